// swift-tools-version:6.1
import PackageDescription

// The baseline for `make bench`'s HTTP part: Hummingbird 2 answering GET /hello, built in
// release mode by scripts/bench-http.sh (never by `make test`).
let package = Package(
  name: "HelloHummingbird",
  platforms: [.macOS(.v15)],
  dependencies: [.package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0")],
  targets: [
    .executableTarget(
      name: "HelloHummingbird", dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
      path: "Sources/HelloHummingbird")
  ]
)
