import JSON
import Store

/// This machine's rooflines, from the records: for each device, the latest `roofline` run
/// (ceilings per dtype, bandwidth per memory level) and the recent runs that have a FLOP rate and
/// an arithmetic intensity (matmul: 2mnk flops over the bytes of A, B and C once; bandwidth:
/// STREAM triad), placed on it with the fraction of the roofline each reached.
struct RooflineChart {
  struct Point {
    var kind: String
    var recordID: String
    var label: String
    var dtype: String
    var intensity: Double
    var gflops: Double
    /// The run's warning flags (codes).
    var flags: [String]
  }

  struct Device {
    var key: String
    var recordID: String
    var finishedAt: String
    var ceilings: [(dtype: String, gflops: Double)]
    var bandwidths: [(level: String, gbPerSecond: Double)]
    var points: [Point]
    /// The roofline run's warning flags (codes): a cache-resident DRAM read makes the memory roof too high.
    var flags: [String]

    /// min(ceiling of the dtype, intensity × the slowest level's bandwidth).
    func attainable(_ point: Point) -> Double? {
      guard let memory = bandwidths.last?.gbPerSecond else { return nil }
      let ceiling = ceilings.first { $0.dtype == point.dtype }?.gflops ?? ceilings.first?.gflops
      return ceiling.map { min($0, point.intensity * memory) }
    }
  }

  var devices: [Device]

  /// The device a record ran on: its OpenCL device, else its host CPU.
  static func deviceKey(_ record: JSONValue) -> String {
    if let name = record["hardware"]?["opencl_device"]?["name"]?.stringValue { return "OpenCL: \(name)" }
    return "host: " + (record["hardware"]?["host"]?["cpu_name"]?.stringValue ?? "CPU")
  }

  init(store: Store) throws {
    let parse: (Store.StoredRecord) -> JSONValue? = { try? JSONValue(parsing: $0.json) }
    let rooflines = try store.records(kind: "roofline", source: "local", limit: 50).compactMap(parse)
    let runs = (try store.records(kind: "matmul", source: "local", limit: 200).compactMap(parse))
      + (try store.records(kind: "bandwidth", source: "local", limit: 100).compactMap(parse))
    // Per device the latest roofline without warnings, else the latest (its flags say why not).
    let clean = rooflines.filter { RunRecord.warningCodes($0).isEmpty }
    var seen: Set<String> = []
    devices = (clean + rooflines).compactMap { record in
      let key = Self.deviceKey(record)
      guard seen.insert(key).inserted, let id = record["id"]?.stringValue else { return nil }
      let figures = record["figures"]?.arrayValue ?? []
      func value(_ name: String) -> Double? { figures.first { $0["name"]?.stringValue == name }?["value"]?.doubleValue }
      let ceilings = ["float32", "float64"].compactMap { dtype in value("\(dtype)_peak_gflops").map { (dtype, $0) } }
      // Nearest level first; a device's "L2" is its L2 (GPU) or the host's last-level cache (CPU device).
      let levels = [
        ("local memory", "local_gb_s"), ("L1d", "l1d_gb_s"), (key.hasPrefix("OpenCL:") ? "L2 / last-level cache" : "L2", "l2_gb_s"),
        ("L3", "l3_gb_s"), ("DRAM", "dram_gb_s"), ("global memory", "global_gb_s"),
      ]
      let bandwidths = levels.compactMap { level, name in value(name).map { (level, $0) } }
      let points = runs.filter { Self.deviceKey($0) == key }.compactMap(Self.point)
      return Device(
        key: key, recordID: id, finishedAt: record["finished_at"]?.stringValue ?? "", ceilings: ceilings,
        bandwidths: bandwidths, points: points, flags: RunRecord.warningCodes(record))
    }
  }


  /// A run placed on the roofline, or nil when it has no rate or intensity.
  static func point(_ record: JSONValue) -> Point? {
    guard let kind = record["kind"]?.stringValue, let id = record["id"]?.stringValue else { return nil }
    let figures = record["figures"]?.arrayValue ?? []
    func value(_ name: String) -> Double? { figures.first { $0["name"]?.stringValue == name }?["value"]?.doubleValue }
    let parameters = record["parameters"]
    switch kind {
    case "matmul":
      guard let gflops = value("gflops"), let n = parameters?["n"]?.doubleValue else { return nil }
      let m = parameters?["m"]?.doubleValue ?? n
      let k = parameters?["k"]?.doubleValue ?? n
      let dtype = parameters?["dtype"]?.stringValue ?? "float64"
      let bytes: Double = ["float64": 8, "float32": 4, "tf32": 4, "float16": 2, "bfloat16": 2, "float8": 1][dtype] ?? 8
      let intensity = 2 * m * n * k / ((m * k + k * n + m * n) * bytes)
      let backend = parameters?["backend"]?.stringValue ?? "blas"
      let kernel = parameters?["kernel"]?.stringValue.map { " \($0)" } ?? ""
      return Point(
        kind: kind, recordID: id, label: "matmul \(Int(m))×\(Int(k))×\(Int(n)) \(dtype), \(backend)\(backend == "opencl" ? kernel : "")",
        dtype: dtype == "float64" ? "float64" : "float32", intensity: intensity, gflops: gflops, flags: RunRecord.warningCodes(record))
    case "bandwidth":
      guard let gflops = value("triad_gflops"), let intensity = value("triad_intensity") else { return nil }
      return Point(
        kind: kind, recordID: id, label: "STREAM triad", dtype: "float64", intensity: intensity, gflops: gflops,
        flags: RunRecord.warningCodes(record))
    default:
      return nil
    }
  }

  var json: JSONValue {
    .object([
      (
        "devices",
        .array(
          devices.map { device in
            .object([
              ("device", .string(device.key)), ("record", .string("/records/\(device.recordID)")),
              ("finished_at", .string(device.finishedAt)),
              ("flags", .array(device.flags.map(JSONValue.string))),
              ("ceilings", .array(device.ceilings.map { .object([("dtype", .string($0.dtype)), ("gflops", .double($0.gflops))]) })),
              (
                "bandwidths",
                .array(device.bandwidths.map { .object([("level", .string($0.level)), ("gb_s", .double($0.gbPerSecond))]) })
              ),
              (
                "points",
                .array(
                  device.points.map { point in
                    let attainable = device.attainable(point)
                    return .object([
                      ("kind", .string(point.kind)), ("record", .string("/records/\(point.recordID)")),
                      ("label", .string(point.label)), ("dtype", .string(point.dtype)),
                      ("intensity", .double(point.intensity)), ("gflops", .double(point.gflops)),
                      ("attainable_gflops", attainable.map(JSONValue.double) ?? .null),
                      ("fraction_of_roofline", attainable.map { .double(point.gflops / $0) } ?? .null),
                      ("above_roof", .bool(attainable.map { point.gflops > 1.05 * $0 } ?? false)),
                      ("flags", .array(point.flags.map(JSONValue.string))),
                    ])
                  })
              ),
            ])
          })
      ),
      (
        "note",
        "Ceilings and bandwidths from each device's latest roofline run; points from its recent matmul and bandwidth runs. Intensity of a matmul counts A, B and C moved once (the least traffic possible), so a point near the memory roof is well blocked. A point more than 5% above the roof (above_roof) cannot be right: the roofline run under-measured (a debug build, a loaded machine) or the point's flop or byte count is wrong."
      ),
    ])
  }
}
