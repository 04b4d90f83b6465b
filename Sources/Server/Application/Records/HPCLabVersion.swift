/// The version of hpclab, as records and `hpclab --version` state it.
enum HPCLabVersion {
  static let current = "0.6.0"
}
