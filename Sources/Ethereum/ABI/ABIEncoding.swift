/// Value checking and the encoders behind `ABI.encode` and `ABI.encodePacked`.
enum ABIEncoding {
    // MARK: Checking values against types

    /// Checks that a value has the type's shape and fits its widths, recursively.
    static func check(_ value: ABIValue, as type: ABIType, at path: ABIPath) throws(ABIError) {
        switch (type, value) {
        case (.uint(let bits), .uint(let number)):
            guard ABINumberText.fitsUnsigned(number, bits: bits) else {
                throw .valueOutOfRange(path: path.text, type: type.canonical, value: ABINumberText.decimal(number))
            }
        case (.int(let bits), .int(let word)):
            guard ABINumberText.fitsSigned(word, bits: bits) else {
                throw .valueOutOfRange(path: path.text, type: type.canonical, value: ABINumberText.signedDecimal(word))
            }
        case (.address, .address), (.bool, .bool), (.bytes, .bytes), (.string, .string):
            break
        case (.fixedBytes(let count), .fixedBytes(let bytes)):
            guard bytes.count == count else {
                throw .wrongByteCount(path: path.text, type: type.canonical, expected: count, actual: bytes.count)
            }
        case (.array(let element), .array(let elements)):
            for (index, item) in elements.enumerated() {
                try check(item, as: element, at: path.element(index))
            }
        case (.fixedArray(let element, let count), .array(let elements)):
            guard elements.count == count else {
                throw .wrongElementCount(path: path.text, type: type.canonical, expected: count, actual: elements.count)
            }
            for (index, item) in elements.enumerated() {
                try check(item, as: element, at: path.element(index))
            }
        case (.tuple(let components), .tuple(let items)):
            guard items.count == components.count else {
                throw .wrongElementCount(path: path.text, type: type.canonical, expected: components.count, actual: items.count)
            }
            for (index, (item, component)) in zip(items, components).enumerated() {
                try check(item, as: component, at: path.component(index))
            }
        default:
            throw .typeMismatch(path: path.text, expected: type.canonical, actual: value.kindName)
        }
    }

    // MARK: Standard encoding (values already checked)

    /// Encodes values as a tuple: static ones in the head, dynamic ones in the tail, each behind
    /// an offset counted from the start of this tuple's encoding.
    static func encodeSequence(_ values: [ABIValue], as types: [ABIType]) -> [UInt8] {
        let headSize = types.reduce(0) { $0 + $1.headSize }
        var head = [UInt8]()
        var tail = [UInt8]()
        head.reserveCapacity(headSize)
        for (value, type) in zip(values, types) {
            if type.isDynamic {
                head += word(headSize + tail.count)
                tail += encodeValue(value, as: type)
            } else {
                head += encodeValue(value, as: type)
            }
        }
        return head + tail
    }

    /// The encoding of one value: its head for a static type, its tail part for a dynamic one.
    static func encodeValue(_ value: ABIValue, as type: ABIType) -> [UInt8] {
        switch (type, value) {
        case (_, .uint(let number)), (_, .int(let number)):
            return number.bigEndianBytes
        case (_, .address(let address)):
            return [UInt8](repeating: 0, count: 12) + address.bytes
        case (_, .bool(let flag)):
            return word(flag ? 1 : 0)
        case (_, .fixedBytes(let bytes)):
            return bytes + [UInt8](repeating: 0, count: 32 - bytes.count)
        case (_, .bytes(let bytes)):
            return word(bytes.count) + padded(bytes)
        case (_, .string(let text)):
            let bytes = Array(text.utf8)
            return word(bytes.count) + padded(bytes)
        case (.array(let element), .array(let elements)):
            return word(elements.count) + encodeSequence(elements, as: Array(repeating: element, count: elements.count))
        case (.fixedArray(let element, _), .array(let elements)):
            return encodeSequence(elements, as: Array(repeating: element, count: elements.count))
        case (.tuple(let components), .tuple(let items)):
            return encodeSequence(items, as: components)
        default:
            preconditionFailure("ABIEncoding.encodeValue called with an unchecked value")
        }
    }

    /// A non-negative count or offset as a 32-byte big-endian word.
    static func word(_ value: Int) -> [UInt8] {
        UInt256(UInt64(value)).bigEndianBytes
    }

    /// Bytes followed by zeros up to a multiple of 32.
    static func padded(_ bytes: [UInt8]) -> [UInt8] {
        let remainder = bytes.count % 32
        return remainder == 0 ? bytes : bytes + [UInt8](repeating: 0, count: 32 - remainder)
    }

    // MARK: Packed encoding (values already checked)

    /// Appends a value's `abi.encodePacked` form.
    static func appendPacked(_ value: ABIValue, as type: ABIType, at path: ABIPath, to out: inout [UInt8]) throws(ABIError) {
        switch (type, value) {
        case (.uint(let bits), .uint(let number)), (.int(let bits), .int(let number)):
            out += number.bigEndianBytes.suffix(bits / 8)
        case (.address, .address(let address)):
            out += address.bytes
        case (.bool, .bool(let flag)):
            out.append(flag ? 1 : 0)
        case (.fixedBytes, .fixedBytes(let bytes)), (.bytes, .bytes(let bytes)):
            out += bytes
        case (.string, .string(let text)):
            out += Array(text.utf8)
        case (.array(let element), .array(let elements)), (.fixedArray(let element, _), .array(let elements)):
            switch element {
            case .uint, .int, .address, .bool, .fixedBytes:
                for item in elements { out += encodeValue(item, as: element) }
            default:
                throw .notPackable(path: path.text, type: type.canonical)
            }
        default:
            throw .notPackable(path: path.text, type: type.canonical)
        }
    }
}
