extension [JobParameter] {
  /// Each given value checked against its parameter (``JobParameter/validate(_:)``), in declaration
  /// order, and the static default of each parameter not given; machine defaults stay absent.
  func validated(_ given: [String: JobValue]) throws(ComputeError) -> [String: JobValue] {
    var values: [String: JobValue] = [:]
    for parameter in self {
      if let value = given[parameter.name] {
        values[parameter.name] = try parameter.validate(value)
      } else if let value = parameter.defaultValue {
        values[parameter.name] = value
      }
    }
    return values
  }
}

extension JobParameter {
  /// The value checked against this parameter and normalised to its type (an integral
  /// `.number` becomes `.int` for an `int` parameter; an `.int` becomes `.number` for a `number`).
  ///
  /// - Throws: ``ComputeError`` `.invalidValue` naming the parameter in `field`: for a wrong type,
  ///   a value outside `min...max` (with `limit` the bound crossed, rounded toward the valid side when
  ///   it is not whole), or a value not in `allowed` (listed in `available`).
  func validate(_ value: JobValue) throws(ComputeError) -> JobValue {
    let normalised: JobValue
    switch (type, value) {
    case (.int, .int):
      normalised = value
    case (.int, .number(let number)) where number.rounded() == number && abs(number) < 0x1p62:
      normalised = .int(Int(number))
    case (.number, .int(let integer)):
      normalised = .number(Double(integer))
    case (.number, .number(let number)) where number.isFinite:
      normalised = value
    case (.choice, .string), (.matrix, .matrix):
      normalised = value
    default:
      throw ComputeError(
        .invalidValue, field: name,
        message: "\(name) must be \(expectedType), got the \(value.typeName) \(value)",
        available: allowed?.map(\.plainDescription))
    }
    if let allowed, !allowed.contains(normalised) {
      throw ComputeError(
        .invalidValue, field: name,
        message: "\(name) must be one of \(allowed.map(\.plainDescription).joined(separator: ", ")), got \(normalised)",
        available: allowed.map(\.plainDescription))
    }
    if let number = normalised.numericValue {
      if let minimum, let bound = minimum.numericValue, number < bound {
        throw ComputeError(
          boundCodes?.below ?? .invalidValue, field: name,
          message:
            "\(name) must be at least \(minimum.plainDescription)\(unitSuffix), got \(normalised.plainDescription)",
          limit: Int(bound.rounded(.up)))
      }
      if let maximum, let bound = maximum.numericValue, number > bound {
        throw ComputeError(
          boundCodes?.above ?? .invalidValue, field: name,
          message:
            "\(name) must be at most \(maximum.plainDescription)\(unitSuffix), got \(normalised.plainDescription)",
          limit: Int(bound.rounded(.down)))
      }
    }
    return normalised
  }

  var expectedType: String {
    switch type {
    case .int: "an integer"
    case .number: "a number"
    case .choice: "a string"
    case .matrix: "a matrix: a list of rows, each a list of numbers"
    }
  }

  private var unitSuffix: String { unit.map { " \($0)" } ?? "" }
}

extension JobValue {
  /// The value without quotes, for lists of allowed values and bounds.
  var plainDescription: String {
    switch self {
    case .int(let value): "\(value)"
    case .number(let value): value.rounded() == value && abs(value) < 1e15 ? "\(Int(value))" : "\(value)"
    case .string(let value): value
    case .matrix: description
    }
  }
}
