import Foundation

/// A Web3 Secret Storage (keystore v3) file: a private key encrypted with AES-128-CTR under a key
/// derived from a password by scrypt or PBKDF2-HMAC-SHA256, authenticated by
/// `keccak256(derivedKey[16..<32] ‖ ciphertext)`.
///
/// `init(json:)` checks every field (naming the offending one on error) and refuses KDF parameters
/// beyond `KeyDerivation`'s limits; `json` writes the file as geth does (compact, same key order).
/// Use `Keystore.encrypt` / `Keystore.decrypt` to make and open one.
public struct KeystoreFile: Sendable, Hashable {
    /// The only keystore version supported.
    public static let version = 3
    /// The only cipher supported.
    public static let cipher = "aes-128-ctr"
    /// The only derived-key length supported, in bytes.
    public static let derivedKeyLength = 32

    /// The file's `id` (a UUID, lowercase, when we write it); optional when reading.
    public var id: String?
    /// The account's address, when the file names it (geth and eth-account always write it).
    public var address: Address?
    /// The KDF and its cost parameters.
    public var kdf: KeyDerivation
    /// The KDF salt (32 random bytes when we write it).
    public var salt: [UInt8]
    /// The AES-128-CTR initial counter block (16 bytes).
    public var iv: [UInt8]
    /// The encrypted private key (32 bytes).
    public var ciphertext: [UInt8]
    /// `keccak256(derivedKey[16..<32] ‖ ciphertext)` (32 bytes).
    public var mac: [UInt8]

    /// Assembles a file from its parts; `Keystore.decrypt` checks the lengths.
    public init(
        id: String?, address: Address?, kdf: KeyDerivation, salt: [UInt8], iv: [UInt8],
        ciphertext: [UInt8], mac: [UInt8]
    ) {
        self.id = id
        self.address = address
        self.kdf = kdf
        self.salt = salt
        self.iv = iv
        self.ciphertext = ciphertext
        self.mac = mac
    }

    /// Parses keystore JSON text.
    public init(json: String) throws(KeystoreError) {
        try self.init(jsonData: Data(json.utf8))
    }

    /// Parses keystore JSON bytes. The crypto object may be named `crypto` or `Crypto` (as some
    /// older tools wrote it); KDF numbers must be JSON integers.
    ///
    /// The text must be strict RFC 8259 JSON in UTF-8 (`JSONValue`'s parser: no duplicate keys, no
    /// trailing commas), except that a leading UTF-8 byte order mark, which some Windows editors
    /// write, is skipped (RFC 8259 § 8.1 allows it).
    public init(jsonData: Data) throws(KeystoreError) {
        let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
        let text = jsonData.starts(with: byteOrderMark) ? jsonData.dropFirst(byteOrderMark.count) : jsonData
        let root = try JSONValue(parsing: text) { _ in
            KeystoreError.invalidJSON("the text does not parse as JSON")
        }
        guard case .object(let top) = root else { throw .invalidJSON("the top level is not an object") }
        let file = Fields(top, path: "")

        let version = try file.integer("version")
        guard version == Self.version else { throw .unsupportedVersion(version) }
        id = try file.optionalString("id")
        if let text = try file.optionalString("address") {
            do throws(AddressError) {
                address = try Address(hex: text)
            } catch {
                throw .invalidField("address", reason: error.description)
            }
        } else {
            address = nil
        }

        let cryptoKey = top["crypto"] == nil && top["Crypto"] != nil ? "Crypto" : "crypto"
        let crypto = try file.object(cryptoKey)
        let cipher = try crypto.string("cipher")
        guard cipher == Self.cipher else { throw .unsupportedCipher(cipher) }
        iv = try crypto.object("cipherparams").hex("iv", count: 16)
        ciphertext = try crypto.hex("ciphertext", count: 32)
        mac = try crypto.hex("mac", count: 32)

        let kdfName = try crypto.string("kdf")
        guard kdfName == "scrypt" || kdfName == "pbkdf2" else { throw .unsupportedKDF(kdfName) }
        let params = try crypto.object("kdfparams")
        let dklen = try params.integer("dklen")
        guard dklen == Self.derivedKeyLength else {
            throw .invalidField(params.path("dklen"), reason: "must be \(Self.derivedKeyLength), got \(dklen)")
        }
        salt = try params.hex("salt")
        if kdfName == "scrypt" {
            kdf = .scrypt(n: try params.integer("n"), r: try params.integer("r"), p: try params.integer("p"))
        } else {
            let prf = try params.string("prf")
            guard prf == "hmac-sha256" else { throw .unsupportedPRF(prf) }
            kdf = .pbkdf2(c: try params.integer("c"))
        }
        do throws(KDFError) {
            try kdf.validate()
        } catch {
            throw .kdf(error)
        }
    }

    /// The file as compact JSON in geth's key order: its structs' field order (alphabetical but for
    /// `ciphertext` before `cipherparams`), and `kdfparams` sorted as Go sorts map keys.
    public var json: String {
        var kdfparams: [(String, String)] = [("dklen", "\(Self.derivedKeyLength)")]
        switch kdf {
        case .scrypt(let n, let r, let p):
            kdfparams += [("n", "\(n)"), ("p", "\(p)"), ("r", "\(r)")]
        case .pbkdf2(let c):
            kdfparams += [("c", "\(c)"), ("prf", quoted("hmac-sha256"))]
        }
        kdfparams.append(("salt", quoted(Hex.encode(salt, prefix: false))))
        kdfparams.sort { $0.0 < $1.0 }
        let crypto: [(String, String)] = [
            ("cipher", quoted(Self.cipher)),
            ("ciphertext", quoted(Hex.encode(ciphertext, prefix: false))),
            ("cipherparams", object([("iv", quoted(Hex.encode(iv, prefix: false)))])),
            ("kdf", quoted(kdf.name)),
            ("kdfparams", object(kdfparams)),
            ("mac", quoted(Hex.encode(mac, prefix: false))),
        ]
        var top: [(String, String)] = []
        if let address { top.append(("address", quoted(Hex.encode(address.bytes, prefix: false)))) }
        top.append(("crypto", object(crypto)))
        if let id { top.append(("id", quoted(id))) }
        top.append(("version", "\(Self.version)"))
        return object(top)
    }

    /// The file as UTF-8 JSON bytes (see `json`).
    public var jsonData: Data { Data(json.utf8) }
}

// MARK: - JSON writing

private func object(_ members: [(String, String)]) -> String {
    "{" + members.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
}

/// A JSON string literal, as `JSONValue` writes one.
private func quoted(_ text: String) -> String { JSONValue.string(text).serialized }

// MARK: - JSON reading

/// One JSON object's members, with the path that prefixes its fields in errors, so fields can be
/// checked one by one.
private struct Fields {
    let members: [String: JSONValue]
    let prefix: String

    init(_ members: [String: JSONValue], path prefix: String) {
        self.members = members
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    func value(_ key: String) throws(KeystoreError) -> JSONValue {
        guard let value = members[key], value != .null else { throw .missingField(path(key)) }
        return value
    }

    func object(_ key: String) throws(KeystoreError) -> Fields {
        let node = try value(key)
        guard case .object(let members) = node else {
            throw .invalidField(path(key), reason: "expected an object, got \(node.kindDescription)")
        }
        return Fields(members, path: path(key))
    }

    func string(_ key: String) throws(KeystoreError) -> String {
        let node = try value(key)
        guard case .string(let text) = node else {
            throw .invalidField(path(key), reason: "expected a string, got \(node.kindDescription)")
        }
        return text
    }

    func optionalString(_ key: String) throws(KeystoreError) -> String? {
        guard let node = members[key], node != .null else { return nil }
        return try string(key)
    }

    /// An integer; a JSON number written with a fraction or exponent counts when it is integral.
    /// A literal that is not a 64-bit integer is read as a `Double` and named as one in the error
    /// (`1e+300`, `4096.5`).
    func integer(_ key: String) throws(KeystoreError) -> Int {
        let node = try value(key)
        guard case .number(let literal) = node else {
            throw .invalidField(path(key), reason: "expected an integer, got \(node.kindDescription)")
        }
        if let integer = Int(literal) { return integer }
        guard let number = Double(literal) else {
            throw .invalidField(path(key), reason: "expected an integer, got \(literal)")
        }
        guard let integer = Int(exactly: number) else {
            throw .invalidField(path(key), reason: "expected an integer, got \(number)")
        }
        return integer
    }

    func hex(_ key: String, count: Int? = nil) throws(KeystoreError) -> [UInt8] {
        let text = try string(key)
        let bytes: [UInt8]
        do throws(HexError) {
            bytes = try Hex.decode(text)
        } catch {
            throw .invalidField(path(key), reason: error.description)
        }
        if let count, bytes.count != count {
            throw .invalidField(path(key), reason: "expected \(count) bytes, got \(bytes.count)")
        }
        return bytes
    }
}
