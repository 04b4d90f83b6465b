import Foundation
import HTTP
import Metrics
import Prometheus
import Synchronization

/// The server's metrics, recorded through swift-metrics into a Prometheus
/// registry of its own (one per application, so tests can run several) and
/// rendered in the Prometheus text format at `GET /metrics`.
///
/// - `hpclab_http_requests_total{method,route,status}` and
///   `hpclab_http_request_duration_seconds{route}` (histogram);
/// - `hpclab_http_open_connections`;
/// - `hpclab_jobs{kind,status}` (jobs in the store), `hpclab_jobs_queued` (queue depth),
///   `hpclab_job_duration_seconds{kind,status}` (histogram, from start to end);
/// - `hpclab_search_duration_seconds` (histogram, in process).
final class ServerMetrics: Sendable {
  let registry = PrometheusCollectorRegistry()
  private let factory: PrometheusMetricsFactory
  private let counters = Mutex<[String: Metrics.Counter]>([:])
  private let timers = Mutex<[String: Metrics.Timer]>([:])
  private let gauges = Mutex<[String: Metrics.Gauge]>([:])
  /// The per-request metrics, found without building strings, in shards by thread so
  /// that the connection loops do not contend for one lock on every request.
  private let requestShards: [RequestShard] = (0..<8).map { _ in RequestShard() }

  private struct RequestKey: Hashable {
    let method: String
    let route: String
    let status: Int
  }

  private final class RequestShard: Sendable {
    let metrics = Mutex<[RequestKey: (Metrics.Counter, Metrics.Timer)]>([:])
  }

  init() {
    var factory = PrometheusMetricsFactory(registry: registry)
    let buckets: [Duration] = [
      .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
      .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
      .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
      .seconds(30), .seconds(60), .seconds(300),
    ]
    factory.defaultDurationHistogramBuckets = buckets
    self.factory = factory
  }

  func recordRequest(method: String, route: String, status: Int, seconds: Double) {
    let key = RequestKey(method: method, route: route, status: status)
    let shard = requestShards[Int((UInt64(UInt(pthread_self())) &* 0x9E37_79B9_7F4A_7C15) >> 61)]
    let pair = shard.metrics.withLock { cached in
      if let pair = cached[key] { return pair }
      let pair = (
        counter("hpclab_http_requests_total", [("method", method), ("route", route), ("status", String(status))]),
        timer("hpclab_http_request_duration_seconds", [("route", route)])
      )
      cached[key] = pair
      return pair
    }
    pair.0.increment()
    pair.1.recordNanoseconds(Int64(seconds * 1e9))
  }

  /// Runs a search and records how long it took.
  func timeSearch<T>(_ search: () throws -> T) throws -> T {
    let start = System.monotonicSeconds()
    defer { recordSearch(seconds: System.monotonicSeconds() - start) }
    return try search()
  }

  func recordSearch(seconds: Double) {
    timer("hpclab_search_duration_seconds", []).recordNanoseconds(Int64(seconds * 1e9))
  }

  func recordJob(kind: String, status: String, seconds: Double) {
    timer("hpclab_job_duration_seconds", [("kind", kind), ("status", status)]).recordNanoseconds(Int64(seconds * 1e9))
  }

  /// Sets a gauge (values read at scrape time: connections, queue depth, jobs by status).
  func set(_ name: String, _ dimensions: [(String, String)] = [], to value: Double) {
    let key = Self.key(name, dimensions)
    let gauge = gauges.withLock { gauges in
      if let gauge = gauges[key] { return gauge }
      let gauge = Metrics.Gauge(label: name, dimensions: dimensions, factory: factory)
      gauges[key] = gauge
      return gauge
    }
    gauge.record(value)
  }

  /// The Prometheus text exposition of everything recorded.
  func render() -> [UInt8] { registry.emitToBuffer() }

  private func counter(_ name: String, _ dimensions: [(String, String)]) -> Metrics.Counter {
    let key = Self.key(name, dimensions)
    return counters.withLock { counters in
      if let counter = counters[key] { return counter }
      let counter = Metrics.Counter(label: name, dimensions: dimensions, factory: factory)
      counters[key] = counter
      return counter
    }
  }

  private func timer(_ name: String, _ dimensions: [(String, String)]) -> Metrics.Timer {
    let key = Self.key(name, dimensions)
    return timers.withLock { timers in
      if let timer = timers[key] { return timer }
      let timer = Metrics.Timer(label: name, dimensions: dimensions, factory: factory)
      timers[key] = timer
      return timer
    }
  }

  private static func key(_ name: String, _ dimensions: [(String, String)]) -> String {
    dimensions.reduce(name) { $0 + "|" + $1.0 + "=" + $1.1 }
  }
}
