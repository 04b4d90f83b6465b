/// The fleet's tables in PostgreSQL, created by ``FleetStore/migrate()`` (each statement is
/// idempotent). Times are `timestamptz` from the database's clock; JSON is `jsonb`; a result
/// payload (matmul's `.npy`) is `bytea`, so any server can serve any job's result.
enum FleetSchema {
  static let statements: [String] = [
    """
    CREATE TABLE IF NOT EXISTS hpclab_jobs (
      seq bigserial UNIQUE,
      id text PRIMARY KEY,
      kind text NOT NULL,
      status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      spec jsonb NOT NULL,
      request jsonb,
      progress double precision NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      timings jsonb,
      result jsonb,
      error jsonb,
      idempotency_key text UNIQUE,
      request_hash text,
      result_payload bytea,
      record jsonb,
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL DEFAULT 3,
      worker_id text,
      worker_name text,
      device_host text,
      lane text,
      device text,
      lease_expires_at timestamptz,
      cancel_requested boolean NOT NULL DEFAULT false,
      route_worker text,
      route_labels text[] NOT NULL DEFAULT '{}',
      route text,
      fleet_group text
    )
    """,
    // The device lease: one running job per device, a device being a lane (`cpu`, `opencl:1`)
    // of a machine (`--host-id`), whichever worker on that machine runs it; the database enforces it.
    "CREATE UNIQUE INDEX IF NOT EXISTS hpclab_jobs_device_lease ON hpclab_jobs (device_host, lane) WHERE status = 'running'",
    "CREATE INDEX IF NOT EXISTS hpclab_jobs_queue ON hpclab_jobs (created_at, seq) WHERE status = 'queued'",
    "CREATE INDEX IF NOT EXISTS hpclab_jobs_leases ON hpclab_jobs (lease_expires_at) WHERE status = 'running'",
    "CREATE INDEX IF NOT EXISTS hpclab_jobs_created ON hpclab_jobs (created_at DESC, seq DESC)",
    "CREATE INDEX IF NOT EXISTS hpclab_jobs_group ON hpclab_jobs (fleet_group) WHERE fleet_group IS NOT NULL",
    """
    CREATE TABLE IF NOT EXISTS hpclab_job_runs (
      job_id text NOT NULL REFERENCES hpclab_jobs (id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      worker_id text NOT NULL,
      worker_name text NOT NULL,
      lane text NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      outcome text,
      PRIMARY KEY (job_id, attempt)
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS hpclab_workers (
      id text PRIMARY KEY,
      name text NOT NULL,
      host text NOT NULL,
      labels text[] NOT NULL DEFAULT '{}',
      lanes text[] NOT NULL DEFAULT '{}',
      devices jsonb NOT NULL,
      state text NOT NULL,
      lease_seconds double precision NOT NULL,
      started_at timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE OR REPLACE FUNCTION hpclab_ts(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION hpclab_job_json(j hpclab_jobs) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT jsonb_build_object(
        'id', j.id, 'kind', j.kind, 'status', j.status, 'spec', j.spec, 'progress', j.progress,
        'created_at', hpclab_ts(j.created_at), 'started_at', hpclab_ts(j.started_at),
        'finished_at', hpclab_ts(j.finished_at), 'timings', j.timings, 'result', j.result, 'error', j.error,
        'idempotency_key', j.idempotency_key, 'request_hash', j.request_hash,
        'result_payload_bytes', octet_length(j.result_payload),
        'fleet', jsonb_strip_nulls(jsonb_build_object(
          'worker', j.worker_name, 'worker_id', j.worker_id, 'host', j.device_host, 'lane', j.lane, 'device', j.device,
          'attempts', j.attempts, 'max_attempts', j.max_attempts, 'group', j.fleet_group, 'route', j.route))
      )::text
    $$
    """,
  ]
}
