import JSON
import Testing

/// The one JSON type: strict parsing, ordered objects, writing, and the `Codable` bridge.
@Suite struct JSONValueTests {
  @Test func parsesEveryKindOfValue_KeepingIntegersApart() throws {
    let value = try JSONValue(parsing: #"{"n": 1024, "x": 0.5, "e": 1e3, "s": "a\u00e9\n", "b": [true, false, null]}"#)
    #expect(value["n"] == .int(1024))
    #expect(value["x"] == .double(0.5))
    #expect(value["e"] == .double(1000))
    #expect(value["s"] == .string("aé\n"))
    #expect(value["b"] == [true, false, nil])
    #expect(value.objectValue?.keys == ["n", "x", "e", "s", "b"])
  }

  @Test func rejectsADuplicateKey_NamingIt() {
    #expect {
      try JSONValue(parsing: #"{"n": 4, "n": 5000}"#)
    } throws: { error in
      (error as? JSONParseError)?.reason == .duplicateKey("n")
    }
  }

  @Test func rejectsDeepNestingQuickly() {
    let deep = String(repeating: "[", count: 1_000_000)
    #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
  }

  @Test(arguments: [
    "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\\x\"", "\"a\u{01}\"", "1e999", "[1] 2", "{\"a\":1,}",
    "\"\\ud800\"", "NaN",
  ])
  func rejectsMalformedText(_ text: String) {
    #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
  }

  @Test func writesCompactlyInOrder_AndRoundTrips() throws {
    let value: JSONValue = .object([("z", 1), ("a", .double(2.5)), ("s", "q\"\\"), ("f", .double(3))])
    #expect(value.text == #"{"z":1,"a":2.5,"s":"q\"\\","f":3}"#)
    #expect(try JSONValue(parsing: value.encoded()) == .object([("z", 1), ("a", .double(2.5)), ("s", "q\"\\"), ("f", 3)]))
  }

  @Test func objectsBehaveLikeOrderedDictionaries() {
    var object: JSONObject = ["b": 1, "a": 2]
    object["c"] = 3
    object["b"] = nil
    object["a"] = 4
    #expect(object.keys == ["a", "c"])
    #expect(object["a"] == 4)
    #expect(object.sortedByKey().keys == ["a", "c"])
  }

  @Test func encodesModelsThroughCodable() throws {
    struct Model: Encodable { var n = 3, name = "x" }
    #expect(JSONValue(encoding: Model()) == ["n": 3, "name": "x"])
  }
}
