-- Staged publish: where a version may go, and whether a data plane's rejection halted it.
ALTER TABLE "config_version" ADD COLUMN "rollout_state" TEXT NOT NULL DEFAULT 'full';
ALTER TABLE "config_version" ADD COLUMN "rollout_selector" JSONB;
ALTER TABLE "config_version" ADD COLUMN "halted_reason" TEXT;
ALTER TABLE "config_version" ADD COLUMN "promoted_at" TIMESTAMP(3);
CREATE INDEX "config_version_rollout_state_version_idx" ON "config_version"("rollout_state", "version");

-- The audit page filters by action.
CREATE INDEX "audit_event_action_idx" ON "audit_event"("action");
