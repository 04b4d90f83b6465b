/// One configuration of the tunable OpenCL matrix multiply (`XgemmKernelSource`): the tile a
/// work-group computes, the K slice it stages, its shape, the vector widths and the padding.
///
/// Constraints (``isValid(on:dtype:)``): each work-item's share divides evenly (MWG by MDIMC·VWM,
/// NWG by NDIMC·VWN), the work-group and its local memory fit the device, and every tile divides
/// the padding unit (``XgemmLayout/rowAlignment``, ``XgemmLayout/kAlignment``), so that one padded
/// layout serves every configuration.
public struct XgemmConfig: Sendable, Hashable, Codable, CustomStringConvertible {
  public var mwg: Int
  public var nwg: Int
  public var kwg: Int
  public var mdimc: Int
  public var ndimc: Int
  public var vwm: Int
  public var vwn: Int
  public var pad: Int

  enum CodingKeys: String, CodingKey {
    case mwg = "MWG", nwg = "NWG", kwg = "KWG", mdimc = "MDIMC", ndimc = "NDIMC", vwm = "VWM", vwn = "VWN"
    case pad = "PAD"
  }

  public init(mwg: Int, nwg: Int, kwg: Int, mdimc: Int, ndimc: Int, vwm: Int, vwn: Int, pad: Int = 0) {
    self.mwg = mwg
    self.nwg = nwg
    self.kwg = kwg
    self.mdimc = mdimc
    self.ndimc = ndimc
    self.vwm = vwm
    self.vwn = vwn
    self.pad = pad
  }

  /// Outputs per work-item along rows and columns.
  public var mwi: Int { mwg / mdimc }
  public var nwi: Int { nwg / ndimc }
  /// Work-items per work-group.
  public var threads: Int { mdimc * ndimc }

  /// Local memory the kernel declares, in bytes.
  public func localMemoryBytes(_ dtype: DType) -> Int {
    kwg * (mwg + padA + nwg + padB) * dtype.byteCount
  }

  var padA: Int { pad == 0 ? 0 : vwm }
  var padB: Int { pad == 0 ? 0 : vwn }

  /// The build options that select this configuration.
  public func buildOptions(_ dtype: DType) -> String {
    (dtype == .float64 ? "-DUSE_DOUBLE " : "")
      + "-DMWG=\(mwg) -DNWG=\(nwg) -DKWG=\(kwg) -DMDIMC=\(mdimc) -DNDIMC=\(ndimc) -DVWM=\(vwm) -DVWN=\(vwn) "
      + "-DPADA=\(padA) -DPADB=\(padB)"
  }

  /// `MWG=64 NWG=64 KWG=16 MDIMC=16 NDIMC=16 VWM=2 VWN=2 PAD=0`.
  public var description: String {
    "MWG=\(mwg) NWG=\(nwg) KWG=\(kwg) MDIMC=\(mdimc) NDIMC=\(ndimc) VWM=\(vwm) VWN=\(vwn) PAD=\(pad)"
  }

  /// Parses ``description``'s form back (any order, every key present).
  public init?(parsing text: String) {
    var values: [String: Int] = [:]
    for word in text.split(separator: " ") {
      let parts = word.split(separator: "=", maxSplits: 1)
      guard parts.count == 2, let value = Int(parts[1]) else { return nil }
      values[String(parts[0])] = value
    }
    guard let mwg = values["MWG"], let nwg = values["NWG"], let kwg = values["KWG"], let mdimc = values["MDIMC"],
      let ndimc = values["NDIMC"], let vwm = values["VWM"], let vwn = values["VWN"], let pad = values["PAD"]
    else { return nil }
    self.init(mwg: mwg, nwg: nwg, kwg: kwg, mdimc: mdimc, ndimc: ndimc, vwm: vwm, vwn: vwn, pad: pad)
  }

  /// Whether the kernel can be built and launched with this configuration on a device with these
  /// limits (before the build; the built kernel's own work-group limit is checked after it).
  public func isValid(maxWorkGroupSize: Int, maxWorkItemSizes: [Int], localMemoryBytes: Int, dtype: DType) -> Bool {
    let widths = [1, 2, 4, 8]
    guard widths.contains(vwm), widths.contains(vwn), [0, 1].contains(pad), mdimc > 0, ndimc > 0, kwg > 0,
      mwg % (mdimc * vwm) == 0, nwg % (ndimc * vwn) == 0,
      XgemmLayout.rowAlignment % mwg == 0, XgemmLayout.rowAlignment % nwg == 0, XgemmLayout.kAlignment % kwg == 0,
      threads <= maxWorkGroupSize, ndimc <= (maxWorkItemSizes.first ?? .max),
      mdimc <= (maxWorkItemSizes.dropFirst().first ?? .max),
      self.localMemoryBytes(dtype) <= localMemoryBytes,
      mwi * nwi <= 128  // accumulators beyond this spill on every device we know
    else { return false }
    return true
  }

  public func isValid(on device: OpenCL.DeviceInfo, dtype: DType) -> Bool {
    isValid(
      maxWorkGroupSize: device.maxWorkGroupSize, maxWorkItemSizes: device.maxWorkItemSizes,
      localMemoryBytes: device.localMemoryBytes, dtype: dtype)
  }

  /// Every configuration of the search space: tiles of 16…128, K slices of 8…32, 8…32 work-items
  /// a side, vectors of 1…8, with and without padding. The tuner walks a shuffled subset of those
  /// valid on the device, the device type's starting points first.
  public static let searchSpace: [XgemmConfig] = {
    var all: [XgemmConfig] = []
    for mwg in [16, 32, 64, 128] {
      for nwg in [16, 32, 64, 128] {
        for kwg in [8, 16, 32] {
          for mdimc in [8, 16, 32] {
            for ndimc in [8, 16, 32] {
              for vwm in [1, 2, 4, 8] {
                for vwn in [1, 2, 4, 8] {
                  for pad in [0, 1] {
                    let config = XgemmConfig(
                      mwg: mwg, nwg: nwg, kwg: kwg, mdimc: mdimc, ndimc: ndimc, vwm: vwm, vwn: vwn, pad: pad)
                    if mwg % (mdimc * vwm) == 0, nwg % (ndimc * vwn) == 0 { all.append(config) }
                  }
                }
              }
            }
          }
        }
      }
    }
    return all
  }()

  /// Starting points per device type, best guesses first: for GPUs, CLBlast-like 128×128 and 64×64
  /// tiles with 16×16 work-items; for CPUs (PoCL vectorises across work-items along dimension 0),
  /// groups of 8×8 or 8×16 work-items with columns strided across them.
  public static func startingPoints(for device: OpenCL.DeviceInfo, dtype: DType) -> [XgemmConfig] {
    let gpu: [XgemmConfig] =
      dtype == .float32
      ? [
        XgemmConfig(mwg: 128, nwg: 128, kwg: 16, mdimc: 16, ndimc: 16, vwm: 4, vwn: 4),
        XgemmConfig(mwg: 128, nwg: 128, kwg: 16, mdimc: 16, ndimc: 16, vwm: 2, vwn: 2, pad: 1),
        XgemmConfig(mwg: 64, nwg: 128, kwg: 16, mdimc: 16, ndimc: 16, vwm: 2, vwn: 4),
        XgemmConfig(mwg: 64, nwg: 64, kwg: 16, mdimc: 16, ndimc: 16, vwm: 2, vwn: 2),
        XgemmConfig(mwg: 64, nwg: 64, kwg: 32, mdimc: 8, ndimc: 16, vwm: 2, vwn: 4),
        XgemmConfig(mwg: 32, nwg: 32, kwg: 16, mdimc: 8, ndimc: 8, vwm: 1, vwn: 1),
      ]
      : [
        XgemmConfig(mwg: 64, nwg: 64, kwg: 16, mdimc: 16, ndimc: 16, vwm: 2, vwn: 2),
        XgemmConfig(mwg: 128, nwg: 64, kwg: 16, mdimc: 16, ndimc: 16, vwm: 2, vwn: 2),
        XgemmConfig(mwg: 64, nwg: 128, kwg: 16, mdimc: 16, ndimc: 16, vwm: 2, vwn: 2),
        XgemmConfig(mwg: 128, nwg: 128, kwg: 16, mdimc: 16, ndimc: 16, vwm: 2, vwn: 2),
        XgemmConfig(mwg: 32, nwg: 32, kwg: 16, mdimc: 8, ndimc: 8, vwm: 1, vwn: 1),
      ]
    // Measured on PoCL (AVX-512, 2 cores): scalar columns strided across 8 or 16 work-items, which
    // PoCL's work-group vectoriser turns into SIMD lanes, beat explicit float8 columns by about 2×.
    let cpu: [XgemmConfig] = [
      XgemmConfig(mwg: 128, nwg: 64, kwg: 32, mdimc: 8, ndimc: 16, vwm: 2, vwn: 1, pad: 1),
      XgemmConfig(mwg: 128, nwg: 64, kwg: 16, mdimc: 8, ndimc: 8, vwm: 2, vwn: 1),
      XgemmConfig(mwg: 32, nwg: 64, kwg: 32, mdimc: 8, ndimc: 8, vwm: 4, vwn: 8),
      XgemmConfig(mwg: 64, nwg: 64, kwg: 32, mdimc: 8, ndimc: 8, vwm: 8, vwn: 8),
      XgemmConfig(mwg: 32, nwg: 32, kwg: 32, mdimc: 8, ndimc: 8, vwm: 4, vwn: 4),
      XgemmConfig(mwg: 64, nwg: 128, kwg: 16, mdimc: 8, ndimc: 16, vwm: 8, vwn: 8),
      XgemmConfig(mwg: 16, nwg: 64, kwg: 16, mdimc: 8, ndimc: 8, vwm: 2, vwn: 8),
    ]
    let ordered = device.type.contains("gpu") ? gpu + cpu : cpu + gpu
    return ordered.filter { $0.isValid(on: device, dtype: dtype) }
  }

  /// The configuration `kernel: "auto"` uses on a device nobody has tuned: the first starting
  /// point that fits it, or the smallest valid one.
  public static func untunedDefault(for device: OpenCL.DeviceInfo, dtype: DType) -> XgemmConfig? {
    startingPoints(for: device, dtype: dtype).first
      ?? searchSpace.filter { $0.isValid(on: device, dtype: dtype) }.min { $0.threads < $1.threads }
  }
}
