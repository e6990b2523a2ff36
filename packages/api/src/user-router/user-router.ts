import { adminProcedure, router } from "../trpc.ts";
import { addUser } from "./add-user.ts";
import { deleteUser } from "./delete-user.ts";
import { listUsers } from "./list-users.ts";
import { updateUserRole } from "./update-user-role.ts";
import { CreateUserInputSchema, DeleteUserInputSchema, UpdateUserInputSchema } from "./user-input.ts";

/** User management: admins only. */
export const userRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers({ db: ctx.db })),

  create: adminProcedure
    .input(CreateUserInputSchema)
    .mutation(({ ctx, input }) => addUser({ db: ctx.db, actor: ctx.session.username, ip: ctx.ip, username: input.username, password: input.password, role: input.role })),

  update: adminProcedure
    .input(UpdateUserInputSchema)
    .mutation(({ ctx, input }) => updateUserRole({ db: ctx.db, actor: ctx.session.username, ip: ctx.ip, username: input.username, role: input.role })),

  delete: adminProcedure
    .input(DeleteUserInputSchema)
    .mutation(({ ctx, input }) => deleteUser({ db: ctx.db, actor: ctx.session.username, actorUserId: ctx.session.userId, ip: ctx.ip, username: input.username })),
});
