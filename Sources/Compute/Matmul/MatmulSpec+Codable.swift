// JSON shape: {"m", "k", "n", "dtype", "backend", "kernel", "device", "repeats", "seed"} or, for
// explicit inputs, {"a": [[…]], "b": [[…]]} with m, k, n optional (read from the shapes).
// Decoding throws ComputeError (not DecodingError) for unknown dtype/backend/kernel names and for
// missing inputs, so that the caller can report the field; malformed JSON stays a DecodingError.
extension MatmulSpec: Codable {
  enum CodingKeys: String, CodingKey {
    case m, k, n, dtype, backend, kernel, device, repeats, seed, a, b
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let a = try container.decodeIfPresent([[Double]].self, forKey: .a)
    let b = try container.decodeIfPresent([[Double]].self, forKey: .b)
    switch (a, b) {
    case (let a?, let b?):
      inputs = .explicit(a: a, b: b)
    case (nil, nil):
      inputs = .seeded(try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? Self.defaultSeed)
    case (nil, _?):
      throw ComputeError(.missingInput, field: "a", message: "b was given without a; give both a and b, or a seed")
    case (_?, nil):
      throw ComputeError(.missingInput, field: "b", message: "a was given without b; give both a and b, or a seed")
    }
    if case .explicit(let a, let b) = inputs {
      m = try container.decodeIfPresent(Int.self, forKey: .m) ?? a.count
      k = try container.decodeIfPresent(Int.self, forKey: .k) ?? (a.first?.count ?? 0)
      n = try container.decodeIfPresent(Int.self, forKey: .n) ?? (b.first?.count ?? 0)
    } else {
      m = try container.decode(Int.self, forKey: .m)
      k = try container.decode(Int.self, forKey: .k)
      n = try container.decode(Int.self, forKey: .n)
    }
    dtype = try DType(validating: container.decodeIfPresent(String.self, forKey: .dtype) ?? DType.float32.rawValue)
    backend = try Backend(
      validating: container.decodeIfPresent(String.self, forKey: .backend) ?? Backend.blas.rawValue)
    kernel = try container.decodeIfPresent(String.self, forKey: .kernel).map { (raw) throws(ComputeError) in
      try MatmulKernel(validating: raw)
    }
    device = try container.decodeIfPresent(Int.self, forKey: .device)
    repeats = try container.decodeIfPresent(Int.self, forKey: .repeats) ?? 3
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(m, forKey: .m)
    try container.encode(k, forKey: .k)
    try container.encode(n, forKey: .n)
    try container.encode(dtype, forKey: .dtype)
    try container.encode(backend, forKey: .backend)
    try container.encodeIfPresent(kernel, forKey: .kernel)
    try container.encodeIfPresent(device, forKey: .device)
    try container.encode(repeats, forKey: .repeats)
    switch inputs {
    case .seeded(let seed): try container.encode(seed, forKey: .seed)
    case .explicit(let a, let b):
      try container.encode(a, forKey: .a)
      try container.encode(b, forKey: .b)
    }
  }
}
