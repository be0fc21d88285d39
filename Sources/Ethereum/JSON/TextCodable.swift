// Codable as JSON strings, the way Ethereum tools write these values: addresses checksummed
// (EIP-55), hashes as 0x-hex, 256-bit amounts as decimal strings (no JSON reader rounds them).

extension Address: Codable {
    /// Decodes a `0x`-prefixed 20-byte hex string (any case; a mixed-case one must be EIP-55).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Address(hex: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an address: \(error)")
        }
    }

    /// Encodes the EIP-55 checksummed form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(checksummed)
    }
}

extension Hash32: Codable {
    /// Decodes a `0x`-prefixed 32-byte hex string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Hash32(hex: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 32-byte hash: \(error)")
        }
    }

    /// Encodes `0x` and 64 lowercase hex digits.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension UInt256: Codable {
    /// Decodes a decimal string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try UInt256(decimal: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 256-bit decimal: \(error)")
        }
    }

    /// Encodes the decimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
