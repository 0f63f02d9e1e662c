-- The sessions revoked within the last access-token lifetime are announced to the gateways again
-- whenever the user service (re)connects to their Redis; this keeps that read off the whole table.
CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
