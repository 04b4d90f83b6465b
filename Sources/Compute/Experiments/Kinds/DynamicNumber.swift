/// A number as an interpreter holds it: a heap object behind an existential, with dynamically
/// dispatched arithmetic that checks the other operand's type and allocates its result.
protocol DynamicNumber: AnyObject {
  var doubleValue: Double { get }
  func adding(_ other: any DynamicNumber) -> any DynamicNumber
  func multiplying(_ other: any DynamicNumber) -> any DynamicNumber
}

/// A boxed float64 (Python's `float`).
final class BoxedDouble: DynamicNumber {
  let value: Double
  init(_ value: Double) { self.value = value }
  var doubleValue: Double { value }
  func adding(_ other: any DynamicNumber) -> any DynamicNumber {
    if let other = other as? BoxedDouble { return BoxedDouble(value + other.value) }
    return BoxedDouble(value + other.doubleValue)
  }
  func multiplying(_ other: any DynamicNumber) -> any DynamicNumber {
    if let other = other as? BoxedDouble { return BoxedDouble(value * other.value) }
    return BoxedDouble(value * other.doubleValue)
  }
}

/// A boxed integer (Python's `int`), so that calls cannot be resolved to a single class.
final class BoxedInt: DynamicNumber {
  let value: Int
  init(_ value: Int) { self.value = value }
  var doubleValue: Double { Double(value) }
  func adding(_ other: any DynamicNumber) -> any DynamicNumber {
    if let other = other as? BoxedInt { return BoxedInt(value &+ other.value) }
    return BoxedDouble(Double(value) + other.doubleValue)
  }
  func multiplying(_ other: any DynamicNumber) -> any DynamicNumber {
    if let other = other as? BoxedInt { return BoxedInt(value &* other.value) }
    return BoxedDouble(Double(value) * other.doubleValue)
  }
}
