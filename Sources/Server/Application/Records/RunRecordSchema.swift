import JSON

/// The JSON Schema of a run record (``RunRecord``), published at `GET /schemas/run-record.json`
/// and used to check every `POST /records`. The one description of the record's shape: the
/// import validates against it, a test checks that every exported record does too.
enum RunRecordSchema {
  static let value: JSONValue = {
    do {
      return try JSONValue(parsing: text)
    } catch {
      preconditionFailure("the run-record schema is not valid JSON: \(error)")
    }
  }()

  static let schema = JSONSchema(value)

  static let text = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "/schemas/run-record.json",
      "title": "hpclab run record",
      "description": "One finished job of an hpclab server: what ran, on which hardware and software, every timed repeat, the figures, how the result was verified, and the sanity flags. It names no host, user, network address or file path.",
      "type": "object",
      "required": ["schema_version", "id", "kind", "finished_at", "device", "parameters", "hardware", "software", "figures", "measurements", "verification", "flags"],
      "additionalProperties": false,
      "properties": {
        "$schema": {"type": "string"},
        "schema_version": {"const": 1},
        "id": {"type": "string", "minLength": 1, "maxLength": 64, "description": "The job's id on the server that ran it."},
        "kind": {"type": "string", "minLength": 1, "maxLength": 32},
        "created_at": {"type": "string", "maxLength": 40},
        "started_at": {"type": ["string", "null"], "maxLength": 40},
        "finished_at": {"type": "string", "maxLength": 40},
        "device": {"type": "string", "maxLength": 400, "description": "Where it ran, in words."},
        "parameters": {"type": "object", "description": "Every parameter the job ran with, defaults filled in."},
        "hardware": {
          "type": "object",
          "required": ["host"],
          "additionalProperties": false,
          "properties": {
            "host": {
              "type": "object",
              "required": ["cpu_name", "cores"],
              "additionalProperties": false,
              "properties": {
                "cpu_name": {"type": "string", "maxLength": 200},
                "cores": {"type": "integer", "minimum": 1},
                "last_level_cache_bytes": {"type": "integer", "minimum": 0},
                "last_level_cache_source": {"type": "string", "maxLength": 100},
                "page_bytes": {"type": "integer", "minimum": 0},
                "data_caches": {"type": "array", "maxItems": 16, "items": {"type": "object", "required": ["level", "bytes"], "additionalProperties": false, "properties": {"level": {"type": "integer"}, "bytes": {"type": "integer"}, "shared_by": {"type": "integer"}}}}
              }
            },
            "opencl_device": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "cuda_device": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
          }
        },
        "software": {
          "type": "object",
          "required": ["hpclab"],
          "additionalProperties": {"type": "string", "maxLength": 400}
        },
        "figures": {"type": "array", "maxItems": 10000, "items": {"$ref": "#/$defs/figure"}},
        "measurements": {"type": "array", "maxItems": 10000, "items": {"$ref": "#/$defs/measurement"}},
        "verification": {"type": "object"},
        "flags": {"type": "array", "maxItems": 1000, "items": {"$ref": "#/$defs/flag"}},
        "summary": {"type": ["string", "null"]}
      },
      "$defs": {
        "figure": {
          "type": "object",
          "required": ["name", "value", "unit"],
          "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "value": {"type": ["number", "null"]},
            "unit": {"type": "string", "maxLength": 40},
            "label": {"type": "string"}
          }
        },
        "measurement": {
          "type": "object",
          "required": ["name", "samples"],
          "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "clock": {"enum": ["device", "host"]},
            "includes": {"type": "string"},
            "samples": {"type": "array", "minItems": 1, "maxItems": 100000, "items": {"type": "number", "minimum": 0}},
            "spread": {"type": ["number", "null"]},
            "converged": {"type": ["boolean", "null"]}
          }
        },
        "flag": {
          "type": "object",
          "required": ["code", "severity", "message"],
          "properties": {
            "code": {"type": "string"},
            "severity": {"enum": ["warning", "info"]},
            "subject": {"type": ["string", "null"]},
            "message": {"type": "string"}
          }
        }
      }
    }
    """#
}
