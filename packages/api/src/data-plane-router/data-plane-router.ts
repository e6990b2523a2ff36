import { authedProcedure, router } from "../trpc.ts";
import { listDataPlanes } from "./list-data-planes.ts";
import { onDataPlanesChange } from "./on-data-planes-change.ts";

export const dataPlaneRouter = router({
  list: authedProcedure.query(({ ctx }) => listDataPlanes({ db: ctx.db })),
  onChange: authedProcedure.subscription(({ ctx, signal }) => onDataPlanesChange({ bus: ctx.bus, signal })),
});
