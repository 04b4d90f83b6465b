import Hummingbird

// GET /hello → {"status":"ok"}, the same body as hpclab's /healthz; port from the first argument.
let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 18082
let router = Router()
router.get("hello") { _, _ -> Response in
  Response(
    status: .ok, headers: [.contentType: "application/json"],
    body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
