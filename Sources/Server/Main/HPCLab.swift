import ArgumentParser

/// `hpclab`: the compute and knowledge server.
@main
struct HPCLab: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hpclab",
    abstract: "An HTTP/1.1 server for HPC interview knowledge and BLAS/OpenCL experiments.",
    subcommands: [Serve.self, Worker.self, Healthcheck.self, BenchSearch.self],
    defaultSubcommand: Serve.self)
}
