import Foundation
import JSON
import PostgresNIO

/// A worker as it registers: its devices and lanes, labels, and lease length.
public struct FleetWorkerRegistration: Sendable {
  public var id: String
  public var name: String
  public var host: String
  public var labels: [String]
  /// The lanes it leases (`cpu`, `opencl:1`, `cuda:0`).
  public var lanes: [String]
  /// Its devices as `GET /devices` describes them.
  public var devices: JSONValue
  public var leaseSeconds: Double

  public init(
    id: String, name: String, host: String, labels: [String], lanes: [String], devices: JSONValue, leaseSeconds: Double
  ) {
    self.id = id
    self.name = name
    self.host = host
    self.labels = labels
    self.lanes = lanes
    self.devices = devices
    self.leaseSeconds = leaseSeconds
  }
}

extension FleetStore {
  /// Adds or renews a worker (state `idle`).
  public func register(_ worker: FleetWorkerRegistration) async throws(FleetStoreError) {
    try await database("registering a worker") { [self] in
      try await client.query(
        """
        INSERT INTO hpclab_workers (id, name, host, labels, lanes, devices, state, lease_seconds)
        VALUES (\(worker.id), \(worker.name), \(worker.host), \(worker.labels), \(worker.lanes),
          \(Self.jsonText(worker.devices) ?? "{}")::jsonb, 'idle', \(worker.leaseSeconds))
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, host = excluded.host, labels = excluded.labels,
          lanes = excluded.lanes, devices = excluded.devices, state = 'idle', lease_seconds = excluded.lease_seconds,
          heartbeat_at = now()
        """, logger: logger)
    }
  }

  /// Marks a worker stopped (it exits cleanly).
  public func markStopped(workerID: String) async {
    _ = try? await client.query(
      "UPDATE hpclab_workers SET state = 'stopped', heartbeat_at = now() WHERE id = \(workerID)", logger: logger)
  }

  /// Every worker heard from in the last day, newest first: `id`, `name`, `host`, `labels`,
  /// `lanes`, `devices`, `state` (`idle`, `busy`, `stopped`, or `lost` when its heartbeat is
  /// older than two leases), `started_at`, `last_heartbeat`, `seconds_since_heartbeat`,
  /// `running` (the jobs it holds, with their lanes) and `runs` (claims it finished, by outcome).
  public func workers() async throws(FleetStoreError) -> [JSONValue] {
    try await database("listing workers") { [self] in
      let rows = try await client.query(
        """
        SELECT jsonb_build_object(
          'id', w.id, 'name', w.name, 'host', w.host, 'labels', to_jsonb(w.labels), 'lanes', to_jsonb(w.lanes),
          'devices', w.devices,
          'state', CASE WHEN w.state <> 'stopped' AND w.heartbeat_at < now() - make_interval(secs => 2 * w.lease_seconds)
                        THEN 'lost' ELSE w.state END,
          'lease_seconds', w.lease_seconds,
          'started_at', hpclab_ts(w.started_at), 'last_heartbeat', hpclab_ts(w.heartbeat_at),
          'seconds_since_heartbeat', round(extract(epoch FROM now() - w.heartbeat_at)::numeric, 3),
          'running', coalesce((SELECT jsonb_agg(jsonb_build_object('id', j.id, 'kind', j.kind, 'lane', j.lane,
                                 'progress', j.progress) ORDER BY j.lane)
                               FROM hpclab_jobs j WHERE j.worker_id = w.id AND j.status = 'running'), '[]'::jsonb),
          'runs', coalesce((SELECT jsonb_object_agg(o.outcome, o.n) FROM (
                     SELECT outcome, count(*) AS n FROM hpclab_job_runs r
                     WHERE r.worker_id = w.id AND r.outcome IS NOT NULL GROUP BY outcome) o), '{}'::jsonb)
        )::text
        FROM hpclab_workers w WHERE w.heartbeat_at > now() - interval '1 day'
        ORDER BY w.started_at DESC
        """, logger: logger)
      var workers: [JSONValue] = []
      for try await text in rows.decode(String.self) { workers.append(try Self.parseJSON(text)) }
      return workers
    }
  }
}
