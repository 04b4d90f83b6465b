import Compute
@testable import Application
import Foundation
import JSON
import Testing
import TestSupport

/// The OpenAPI document's request bodies say what each kind's parameter list (in Compute) says:
/// the same names, types, bounds, choices and defaults. The parameter list is the one source;
/// this test keeps the document from drifting from it.
@Suite struct OpenAPIParityTests {
  static let document: JSONValue? = {
    let url = URL(fileURLWithPath: packageRoot + "/public/openapi.json")
    guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
    return try? JSONValue(parsing: [UInt8](data), maxDepth: 10_000)
  }()

  static let catalog = JobCatalog(matmul: MatmulRunner(), experiments: ExperimentRunner())

  /// A schema, following one `$ref` (or an `allOf` of one) into components.
  func resolve(_ schema: JSONValue, in document: JSONValue) -> JSONValue {
    var schema = schema
    if let first = schema["allOf"]?.arrayValue?.first { schema = first }
    guard let reference = schema["$ref"]?.stringValue else { return schema }
    let name = String(reference.split(separator: "/").last ?? "")
    return document["components"]?["schemas"]?[name] ?? .null
  }

  @Test(arguments: catalog.names)
  func requestBodyMatchesTheKindsParameters(kind: String) throws {
    let document = try #require(Self.document)
    let job = try #require(Self.catalog[kind])
    let name = kind.prefix(1).uppercased() + kind.dropFirst() + "Request"
    let schema = try #require(document["components"]?["schemas"]?[name], "no \(name) in the document")
    let properties = try #require(schema["properties"]?.objectValue)
    #expect(Set(properties.keys) == Set(job.parameters.map(\.name)), "\(kind): parameters and documented properties differ")
    for parameter in job.parameters {
      guard let documented = properties[parameter.name] else { continue }
      let resolved = resolve(documented, in: document)
      switch parameter.type {
      case .int:
        #expect(resolved["type"]?.stringValue == "integer", "\(kind).\(parameter.name) type")
      case .number:
        #expect(resolved["type"]?.stringValue == "number", "\(kind).\(parameter.name) type")
      case .choice:
        let allowed: [String] = (parameter.allowed ?? []).compactMap { value -> String? in
          if case .string(let text) = value { return text }
          return nil
        }
        let documentedEnum = resolved["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(Set(documentedEnum) == Set(allowed), "\(kind).\(parameter.name) choices")
      case .matrix:
        #expect(resolved["type"]?.stringValue == "array", "\(kind).\(parameter.name) type")
      }
      if parameter.type == .int || parameter.type == .number {
        if case .int(let minimum)? = parameter.minimum, let documentedMinimum = resolved["minimum"]?.intValue {
          #expect(documentedMinimum == minimum, "\(kind).\(parameter.name) minimum")
        }
        if case .int(let maximum)? = parameter.maximum, let documentedMaximum = resolved["maximum"]?.intValue {
          #expect(documentedMaximum == maximum, "\(kind).\(parameter.name) maximum")
        }
      }
      if let value = parameter.defaultValue, let documentedDefault = documented["default"] ?? resolved["default"] {
        #expect(documentedDefault.doubleValue == value.json.doubleValue && documentedDefault.stringValue == value.json.stringValue,
          "\(kind).\(parameter.name) default: documented \(documentedDefault.text), declared \(value.json.text)")
      }
    }
  }

  /// The document's `RunRecord` is the served schema (`RunRecordSchema`), its `$defs` moved to
  /// components: the import checks what the document promises.
  @Test func theRunRecordSchemaIsTheOneTheImportEnforces() throws {
    let document = try #require(Self.document)
    let names = ["figure": "RunRecordFigure", "measurement": "RunRecordMeasurement", "flag": "RunRecordFlag"]
    func moved(_ value: JSONValue, root: Bool = false) -> JSONValue {
      switch value {
      case .object(let members):
        var result = JSONObject()
        for key in members.keys where !(root && ["$schema", "$id", "$defs"].contains(key)) {
          if key == "$ref", let reference = members[key]?.stringValue {
            result[key] = .string("#/components/schemas/" + (names[String(reference.split(separator: "/").last ?? "")] ?? "?"))
          } else {
            result[key] = moved(members[key]!)
          }
        }
        return .object(result)
      case .array(let elements): return .array(elements.map { moved($0) })
      default: return value
      }
    }
    let schemas = try #require(document["components"]?["schemas"])
    #expect(schemas["RunRecord"] == moved(RunRecordSchema.value, root: true))
    for (definition, name) in names {
      #expect(schemas[name] == RunRecordSchema.value["$defs"]?[definition].map { moved($0) }, "\(name)")
    }
  }
}
