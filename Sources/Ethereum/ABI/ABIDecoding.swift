/// The strict decoder behind `ABI.decode`. Every position is checked against the data before it
/// is read, every length against what is left before anything is allocated, and all arithmetic on
/// input-derived numbers is done where it cannot overflow (offsets and lengths are first bounded by
/// the data's length). Recursion follows the type, whose nesting is bounded by `validate()`.
struct ABIDecoding {
    private let data: [UInt8]
    /// Cost units left: each decoded word-sized value costs 32, a byte string 32 plus its length.
    /// A canonical encoding never costs more than its own size, so twice the size is plenty.
    private var budget: Int
    private let limit: Int

    init(data: [UInt8]) {
        self.data = data
        self.limit = 2 * data.count + 1024
        self.budget = limit
    }

    /// Decodes the top-level values, laid out as one tuple from byte 0.
    mutating func decodeArguments(_ types: [ABIType]) throws(ABIError) -> [ABIValue] {
        try decodeSequence(types, base: 0) { ABIPath(argument: $0) }
    }

    // MARK: Containers

    /// Decodes a tuple's components laid out from `base` (offsets in its head count from there).
    private mutating func decodeSequence(
        _ types: [ABIType], base: Int, path: (Int) -> ABIPath
    ) throws(ABIError) -> [ABIValue] {
        // eth-abi 6 checks offsets against a head of one word per component, except k words for
        // a static `T[k]` (a static tuple counts 1): reproduced so both accept the same inputs.
        var pointerHeadSize = 0
        for type in types {
            let words: Int
            if case .fixedArray(let element, let count) = type, !element.isDynamic { words = count } else { words = 1 }
            pointerHeadSize = Self.saturatingAdd(pointerHeadSize, Self.saturatingMultiply(words, 32))
        }
        var values = [ABIValue]()
        values.reserveCapacity(types.count)
        var cursor = base
        for (index, type) in types.enumerated() {
            if type.isDynamic {
                let target = try readOffset(at: cursor, base: base, headSize: pointerHeadSize, path: path(index))
                values.append(try decodeTail(type, at: target, path: path(index)))
                cursor += 32
            } else {
                values.append(try decodeStatic(type, at: cursor, path: path(index)))
                cursor += type.headSize  // the value was read, so this stays within the data
            }
        }
        return values
    }

    /// Decodes `count` elements laid out from `base`, after checking they can fit in the data.
    private mutating func decodeElements(
        _ element: ABIType, count: Int, base: Int, path: ABIPath, lengthWordAt: Int?
    ) throws(ABIError) -> [ABIValue] {
        let available = data.count - base
        let elementSize = element.headSize
        let (needed, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, needed <= available else {
            if let lengthWordAt {
                throw .lengthOutOfBounds(path: path.text, at: lengthWordAt, length: String(count), available: available)
            }
            throw .truncated(path: path.text, offset: base, needed: overflow ? Int.max : needed, available: data.count)
        }
        var values = [ABIValue]()
        values.reserveCapacity(count)
        if element.isDynamic {
            for index in 0..<count {
                let target = try readOffset(at: base + 32 * index, base: base, headSize: needed, path: path.element(index))
                values.append(try decodeTail(element, at: target, path: path.element(index)))
            }
        } else {
            for index in 0..<count {
                values.append(try decodeStatic(element, at: base + elementSize * index, path: path.element(index)))
            }
        }
        return values
    }

    /// Reads an offset word and returns the absolute position it points to, which must lie past
    /// the container's head and inside the data.
    private func readOffset(at position: Int, base: Int, headSize: Int, path: ABIPath) throws(ABIError) -> Int {
        let offsetWord = try readWord(at: position, path: path)
        guard let offset = Self.smallInt(offsetWord), offset <= data.count - base, base + offset < data.count else {
            throw .offsetOutOfBounds(path: path.text, at: position, offset: ABINumberText.decimal(offsetWord), dataLength: data.count)
        }
        guard offset >= headSize else {
            throw .offsetIntoHead(path: path.text, at: position, offset: offset, headSize: headSize)
        }
        return base + offset
    }

    // MARK: Values

    /// Decodes a dynamic value whose encoding starts at `position` (where its offset pointed).
    private mutating func decodeTail(_ type: ABIType, at position: Int, path: ABIPath) throws(ABIError) -> ABIValue {
        switch type {
        case .bytes:
            return .bytes(try readByteString(at: position, type: type, path: path))
        case .string:
            let bytes = try readByteString(at: position, type: type, path: path)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw .invalidUTF8(path: path.text, at: position + 32)
            }
            return .string(text)
        case .array(let element):
            let lengthWord = try readWord(at: position, path: path)
            try spend(32)
            let available = data.count - position - 32
            guard let count = Self.smallInt(lengthWord), count <= available else {
                throw .lengthOutOfBounds(path: path.text, at: position, length: ABINumberText.decimal(lengthWord), available: available)
            }
            return .array(try decodeElements(element, count: count, base: position + 32, path: path, lengthWordAt: position))
        case .fixedArray(let element, let count):
            return .array(try decodeElements(element, count: count, base: position, path: path, lengthWordAt: nil))
        case .tuple(let components):
            return .tuple(try decodeSequence(components, base: position) { path.component($0) })
        case .uint, .int, .address, .bool, .fixedBytes:
            return try decodeStatic(type, at: position, path: path)
        }
    }

    /// Decodes a static value stored inline at `position`.
    private mutating func decodeStatic(_ type: ABIType, at position: Int, path: ABIPath) throws(ABIError) -> ABIValue {
        switch type {
        case .uint(let bits):
            let value = try readLeafWord(at: position, path: path)
            guard ABINumberText.fitsUnsigned(value, bits: bits) else {
                throw .nonZeroPadding(path: path.text, at: position, type: type.canonical)
            }
            return .uint(value)
        case .int(let bits):
            let value = try readLeafWord(at: position, path: path)
            guard ABINumberText.fitsSigned(value, bits: bits) else {
                throw .invalidSignExtension(path: path.text, at: position, type: type.canonical)
            }
            return .int(value)
        case .address:
            let bytes = try readLeafBytes(at: position, path: path)
            guard bytes.prefix(12).allSatisfy({ $0 == 0 }), let address = try? Address(Array(bytes.suffix(20))) else {
                throw .nonZeroPadding(path: path.text, at: position, type: "address")
            }
            return .address(address)
        case .bool:
            let value = try readLeafWord(at: position, path: path)
            guard value == .zero || value == .one else { throw .invalidBool(path: path.text, at: position) }
            return .bool(value == .one)
        case .fixedBytes(let count):
            let bytes = try readLeafBytes(at: position, path: path)
            guard bytes.suffix(32 - count).allSatisfy({ $0 == 0 }) else {
                throw .nonZeroPadding(path: path.text, at: position, type: type.canonical)
            }
            return .fixedBytes(Array(bytes.prefix(count)))
        case .fixedArray(let element, let count):
            return .array(try decodeElements(element, count: count, base: position, path: path, lengthWordAt: nil))
        case .tuple(let components):
            return .tuple(try decodeSequence(components, base: position) { path.component($0) })
        case .bytes, .string, .array:
            return try decodeTail(type, at: position, path: path)
        }
    }

    /// Reads a length-prefixed byte string whose payload must be zero-padded to a whole word.
    private mutating func readByteString(at position: Int, type: ABIType, path: ABIPath) throws(ABIError) -> [UInt8] {
        let lengthWord = try readWord(at: position, path: path)
        let start = position + 32
        let available = data.count - start
        guard let length = Self.smallInt(lengthWord), length <= available else {
            throw .lengthOutOfBounds(path: path.text, at: position, length: ABINumberText.decimal(lengthWord), available: available)
        }
        let paddedLength = (length + 31) / 32 * 32
        guard paddedLength <= available else {
            throw .truncated(path: path.text, offset: start, needed: paddedLength, available: data.count)
        }
        guard data[(start + length)..<(start + paddedLength)].allSatisfy({ $0 == 0 }) else {
            throw .nonZeroPadding(path: path.text, at: start + length, type: type.canonical)
        }
        try spend(32 + length)
        return Array(data[start..<(start + length)])
    }

    // MARK: Words

    /// The 32 bytes at `position` as a number; position must be within the data.
    private func readWord(at position: Int, path: ABIPath) throws(ABIError) -> UInt256 {
        guard position <= data.count - 32 else {
            throw .truncated(path: path.text, offset: position, needed: 32, available: data.count)
        }
        var limbs: [UInt64] = [0, 0, 0, 0]
        for index in 0..<32 {
            limbs[3 - index / 8] = limbs[3 - index / 8] << 8 | UInt64(data[position + index])
        }
        return UInt256(w0: limbs[0], w1: limbs[1], w2: limbs[2], w3: limbs[3])
    }

    /// A word that becomes a value (charged against the budget).
    private mutating func readLeafWord(at position: Int, path: ABIPath) throws(ABIError) -> UInt256 {
        let value = try readWord(at: position, path: path)
        try spend(32)
        return value
    }

    /// The 32 bytes at `position`, charged against the budget.
    private mutating func readLeafBytes(at position: Int, path: ABIPath) throws(ABIError) -> ArraySlice<UInt8> {
        guard position <= data.count - 32 else {
            throw .truncated(path: path.text, offset: position, needed: 32, available: data.count)
        }
        try spend(32)
        return data[position..<(position + 32)]
    }

    private mutating func spend(_ cost: Int) throws(ABIError) {
        guard cost <= budget else { throw .decodedSizeLimit(limit: limit) }
        budget -= cost
    }

    // MARK: Arithmetic on untrusted numbers

    /// The word as an `Int` when it is below 2⁶³; nil otherwise.
    private static func smallInt(_ word: UInt256) -> Int? {
        guard word.w1 == 0, word.w2 == 0, word.w3 == 0, word.w0 <= UInt64(Int.max) else { return nil }
        return Int(word.w0)
    }

    private static func saturatingAdd(_ lhs: Int, _ rhs: Int) -> Int {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? Int.max : sum
    }

    private static func saturatingMultiply(_ lhs: Int, _ rhs: Int) -> Int {
        let (product, overflow) = lhs.multipliedReportingOverflow(by: rhs)
        return overflow ? Int.max : product
    }
}
