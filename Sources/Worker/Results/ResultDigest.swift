import Crypto
import Ethereum
import Foundation

/// The result digest rules (POCO.md, end of "Scheduler"): SHA-256 of the deterministic output file;
/// for a directory, keccak256 over the concatenated SHA-256s of its files sorted by relative path;
/// with callback data, keccak256 of the callback bytes.
public enum ResultDigest {
    /// The file naming the result inside /iexec_out.
    public static let computedFileName = "computed.json"

    /// Why an output directory holds no valid result.
    public enum Invalid: Error, Hashable, Sendable, CustomStringConvertible {
        /// computed.json is missing, unreadable or not a JSON object.
        case noComputedFile(String)
        /// "deterministic-output-path" is missing, outside /iexec_out, or names nothing usable.
        case badOutputPath(String)
        /// "callback-data" is not 0x-prefixed hex.
        case badCallbackData(String)

        /// A text for people.
        public var description: String {
            switch self {
            case .noComputedFile(let why): "computed.json: \(why); the app must write /iexec_out/computed.json"
            case .badOutputPath(let why): "deterministic-output-path: \(why)"
            case .badCallbackData(let why): "callback-data: \(why); give 0x-prefixed hex"
            }
        }
    }

    /// What computed.json says, resolved against the output directory.
    public struct Computed: Hashable, Sendable {
        /// The digest of the result.
        public var digest: Hash32
        /// The callback bytes, when computed.json has "callback-data".
        public var callback: [UInt8]?
        /// The deterministic output path as the app wrote it (inside /iexec_out), if any.
        public var outputPath: String?
    }

    /// Reads `directory/computed.json` and computes the digest of what it names.
    public static func computed(in directory: URL) throws(Invalid) -> Computed {
        // No link or special file anywhere: computed.json or a folder on the path could otherwise
        // lead the worker to read (and archive) files of the host.
        _ = try regularFiles(under: directory)
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(computedFileName).path) else {
            throw .noComputedFile("missing or unreadable")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .noComputedFile("not a JSON object")
        }
        let path = object["deterministic-output-path"] as? String
        if let callbackText = object["callback-data"] {
            guard let text = callbackText as? String, text.hasPrefix("0x"), let bytes = try? Hex.decode(text) else {
                throw .badCallbackData("not hex")
            }
            return Computed(digest: Keccak256.hash(bytes), callback: bytes, outputPath: path)
        }
        guard let path else { throw .badOutputPath("missing (and no callback-data)") }
        let file = try resolve(path, in: directory)
        return Computed(digest: try digest(of: file), callback: nil, outputPath: path)
    }

    /// The host URL of an /iexec_out path; anything outside /iexec_out, or with `..`, is refused.
    static func resolve(_ path: String, in directory: URL) throws(Invalid) -> URL {
        let root = ExecutionRequest.outputMountPath
        guard path == root || path.hasPrefix(root + "/") else { throw .badOutputPath("\(path) is not inside \(root)") }
        let components = path.dropFirst(root.count).split(separator: "/")
        guard !components.contains(where: { $0 == ".." }) else { throw .badOutputPath("\(path) leaves \(root)") }
        return components.filter { $0 != "." }.reduce(directory) { $0.appendingPathComponent(String($1)) }
    }

    /// The digest of a file (its SHA-256) or a directory (keccak256 of its files' SHA-256s in path order).
    public static func digest(of url: URL) throws(Invalid) -> Hash32 {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { throw .badOutputPath("\(url.lastPathComponent) does not exist") }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            return try sha256(of: url)
        case S_IFDIR:
            var concatenated: [UInt8] = []
            for file in try regularFiles(under: url) {
                concatenated += try sha256(of: url.appendingPathComponent(file)).bytes
            }
            return Keccak256.hash(concatenated)
        default:
            throw .badOutputPath("\(url.lastPathComponent) is neither a regular file nor a directory")
        }
    }

    /// The relative paths of the regular files under `directory`, sorted by their UTF-8 bytes.
    /// A symbolic link or special file anywhere makes the output invalid: it could point outside.
    static func regularFiles(under directory: URL) throws(Invalid) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else {
            throw .badOutputPath("cannot list \(directory.lastPathComponent)")
        }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            var status = stat()
            guard lstat(directory.appendingPathComponent(relative).path, &status) == 0 else {
                throw .badOutputPath("cannot read \(relative)")
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG: files.append(relative)
            case S_IFDIR: continue
            default: throw .badOutputPath("\(relative) is a link or special file")
            }
        }
        return files.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// SHA-256 of a file, read in chunks.
    static func sha256(of url: URL) throws(Invalid) -> Hash32 {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw .badOutputPath("cannot read \(url.lastPathComponent)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch { throw .badOutputPath("cannot read \(url.lastPathComponent)") }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return hash32(Array(hasher.finalize()))
    }

    private static func hash32(_ bytes: [UInt8]) -> Hash32 {
        // SHA-256 always gives 32 bytes.
        (try? Hash32(bytes)) ?? .zero
    }
}
