import Ethereum
import Foundation
import Testing

/// The four PoCo orders and their operations against `poco-vectors.json` (a copy of
/// shared/spec/vectors.json): iExec's own published orders and signatures (iexec-commons-poco and
/// iexec-sdk tests) and extra vectors made with eth-account 0.14.0. Every hash is also recomputed
/// through the generic `TypedData` path, which the fast fixed-layout code must agree with.
@Suite("PoCo orders: EIP-712 hashes, signatures, JSON")
struct PoCoOrderTests {
    static let commonsKey = try! PrivateKey(hex: "0x650fbe1e220c2e019202bceec7e0005c66c737111e42a33b700dad4579c0d2fc")
    static let extraKey = try! PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")

    /// One entry of the vector file, kept as its JSON text so the value stays `Sendable`.
    struct Entry: Sendable, CustomTestStringConvertible {
        let section: String
        let text: String
        var testDescription: String { "\(section) \(string("id") ?? "?")" }

        var object: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        }
        func string(_ key: String) -> String? { object[key] as? String }
        /// A member re-serialized as JSON text (for the order parsers under test).
        func json(_ key: String) -> String? {
            guard let member = object[key], let data = try? JSONSerialization.data(withJSONObject: member) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        func domain() throws -> PoCoDomain {
            let domain = try #require(object["domain"] as? [String: Any])
            #expect(domain["name"] as? String == PoCoDomain.name && domain["version"] as? String == PoCoDomain.version)
            let chainId = try #require(domain["chainId"] as? Int)
            return PoCoDomain(chainId: UInt256(UInt64(chainId)), hub: try Address(hex: try #require(domain["verifyingContract"] as? String)))
        }
    }

    /// The vector file, read with Foundation's JSON parser (independent of the one under test).
    static let fileData: Data = {
        let url = Bundle.module.url(forResource: "poco-vectors", withExtension: "json", subdirectory: "Fixtures")
        return url.flatMap { try? Data(contentsOf: $0) } ?? Data()
    }()

    static var file: [String: Any] {
        (try? JSONSerialization.jsonObject(with: fileData)) as? [String: Any] ?? [:]
    }

    static func entries(_ section: String) -> [Entry] {
        (file[section] as? [Any] ?? []).compactMap { item in
            guard let data = try? JSONSerialization.data(withJSONObject: item, options: [.sortedKeys]) else { return nil }
            return Entry(section: section, text: String(decoding: data, as: UTF8.self))
        }
    }

    static let orderEntries = entries("orders_published") + entries("orders_extra")

    @Test func fixtureIsComplete() {
        #expect(Self.entries("orders_published").count == 12)
        #expect(Self.entries("orders_extra").count == 12)
        #expect(Self.entries("order_operations").count == 8)
        #expect(Self.entries("domains").count == 4)
        #expect((Self.file["typehashes"] as? [String: Any])?.count == 9)
    }

    // MARK: - Type hashes and domains

    @Test func typeStringsAndHashes() throws {
        let typehashes = try #require(Self.file["typehashes"] as? [String: [String: Any]])
        let ours: [String: (String, Hash32)] = [
            "EIP712Domain": (PoCoDomain(chainId: 1, hub: .zero).eip712Domain.typeString, PoCoDomain(chainId: 1, hub: .zero).eip712Domain.typeHash),
            "AppOrder": (AppOrder.typeString, AppOrder.typeHash),
            "DatasetOrder": (DatasetOrder.typeString, DatasetOrder.typeHash),
            "WorkerpoolOrder": (WorkerpoolOrder.typeString, WorkerpoolOrder.typeHash),
            "RequestOrder": (RequestOrder.typeString, RequestOrder.typeHash),
            "AppOrderOperation": (AppOrderOperation.typeString, AppOrderOperation.typeHash),
            "DatasetOrderOperation": (DatasetOrderOperation.typeString, DatasetOrderOperation.typeHash),
            "WorkerpoolOrderOperation": (WorkerpoolOrderOperation.typeString, WorkerpoolOrderOperation.typeHash),
            "RequestOrderOperation": (RequestOrderOperation.typeString, RequestOrderOperation.typeHash),
        ]
        #expect(Set(typehashes.keys) == Set(ours.keys))
        for (name, expected) in typehashes {
            let (typeString, typeHash) = try #require(ours[name])
            #expect(typeString == expected["type_string"] as? String, "\(name)")
            #expect(typeHash.hex == expected["typehash"] as? String, "\(name)")
            #expect(Keccak256.hash(typeString) == typeHash, "\(name)")
        }
    }

    @Test(arguments: entries("domains"))
    func domainSeparator(entry: Entry) throws {
        let object = entry.object
        let chainId = try #require(object["chainId"] as? Int)
        let hub = try Address(hex: try #require(object["verifyingContract"] as? String))
        let domain = PoCoDomain(chainId: UInt256(UInt64(chainId)), hub: hub)
        #expect(domain.separator.hex == entry.string("domainSeparator"))
        // The generic EIP712Domain computes the same separator.
        #expect(domain.eip712Domain.separator == domain.separator)
    }

    // MARK: - Orders

    @Test(arguments: orderEntries)
    func orderVector(entry: Entry) throws {
        switch entry.string("type") {
        case "AppOrder": try check(AppOrder.self, entry)
        case "DatasetOrder": try check(DatasetOrder.self, entry)
        case "WorkerpoolOrder": try check(WorkerpoolOrder.self, entry)
        case "RequestOrder": try check(RequestOrder.self, entry)
        case let other: Issue.record("unexpected order type \(other ?? "nil")")
        }
    }

    private func check<Order: PoCoOrder>(_ type: Order.Type, _ entry: Entry) throws {
        let domain = try entry.domain()
        let order = try Order(json: try #require(entry.json("order")))
        #expect(domain.separator.hex == entry.string("domainSeparator"))
        #expect(order.structHash.hex == entry.string("structHash"))
        #expect(order.hash(in: domain).hex == entry.string("typedDataDigest"))
        // The generic eth_signTypedData_v4 path agrees with the fixed-layout one.
        let typed = order.typedData(in: domain)
        #expect(typed.messageHash == order.structHash && typed.digest == order.hash(in: domain))
        #expect(try TypedData(json: typed.json).digest == order.hash(in: domain))
        // The order survives its own JSON, and is recognised without being told its type.
        #expect(try Order(json: order.json) == order)
        let any = try AnyPoCoOrder(json: try #require(entry.json("order")))
        #expect(any.typeName == Order.typeName && any.order as? Order == order)
        #expect(any.hash(in: domain) == order.hash(in: domain) && any.structHash == order.structHash)

        if let signatureHex = entry.string("signature"), let signerHex = entry.string("signer") {
            let signer = try Address(hex: signerHex)
            var signed = order
            signed.sign = try [UInt8](hex: signatureHex)
            #expect(try signed.signer(in: domain) == signer)
            #expect(signed.isSigned(by: signer, in: domain))
            #expect(try AnyPoCoOrder(json: signed.json).signer(in: domain) == signer)
            // With a known key, eth-account's RFC 6979 signature is reproduced byte for byte.
            for key in [Self.commonsKey, Self.extraKey] where key.address == signer {
                #expect(order.signed(with: key, in: domain) == signed)
            }
        }
        if let compactHex = entry.string("signature_eip2098_compact"), let signerHex = entry.string("signer") {
            var compact = order
            compact.sign = try [UInt8](hex: compactHex)
            #expect(try compact.signer(in: domain) == Address(hex: signerHex))
            let signature = try Signature(bytes: compact.sign)
            let rsv = try #require(entry.object["signature_rsv"] as? [String: Any])
            #expect(signature.r.hexString == rsv["r"] as? String && signature.s.hexString == rsv["s"] as? String)
            #expect(Int(signature.v) == rsv["v"] as? Int)
            #expect(signature.compactBytes.hexString == compactHex)
        }
        if let published = entry.string("sign_as_published_signer_unknown"),
            let recovered = entry.string("ecrecover_over_this_digest")
        {
            var signed = order
            signed.sign = try [UInt8](hex: published)
            #expect(try signed.signer(in: domain) == Address(hex: recovered))
        }
        if let invalid = entry.string("sign_as_published_NOT_VALID_FOR_THIS_DIGEST"), let request = order as? RequestOrder {
            var signed = request
            signed.sign = try [UInt8](hex: invalid)
            #expect(!signed.isSigned(by: request.requester, in: domain))
            #expect(try signed.signer(in: domain) == Address(hex: "0xeB70aD1504E94E809f0712188e798E9488030cb5"))
        }
    }

    // MARK: - Order operations

    @Test(arguments: entries("order_operations"))
    func operationVector(entry: Entry) throws {
        let reference = try #require(entry.string("order_ref"))
        let orderEntry = try #require(Self.entries("orders_extra").first { $0.string("id") == reference })
        let orderJSON = try #require(orderEntry.json("order"))
        switch entry.string("primaryType") {
        case "AppOrderOperation": try checkOperation(AppOrder(json: orderJSON), entry)
        case "DatasetOrderOperation": try checkOperation(DatasetOrder(json: orderJSON), entry)
        case "WorkerpoolOrderOperation": try checkOperation(WorkerpoolOrder(json: orderJSON), entry)
        case "RequestOrderOperation": try checkOperation(RequestOrder(json: orderJSON), entry)
        case let other: Issue.record("unexpected operation type \(other ?? "nil")")
        }
    }

    private func checkOperation<Order: PoCoOrder>(_ order: Order, _ entry: Entry) throws {
        let domain = try entry.domain()
        let code = try #require(entry.object["operation"] as? Int)
        let kind = try #require(OrderOperationType(rawValue: UInt8(code)))
        let operation = OrderOperation(order: order, operation: kind)
        #expect(order.structHash.hex == entry.string("orderStructHash"))
        #expect(order.hash(in: domain).hex == entry.string("orderTypedDataDigest_used_as_presign_key"))
        #expect(operation.structHash.hex == entry.string("operationStructHash"))
        #expect(operation.hash(in: domain).hex == entry.string("operationTypedDataDigest"))
        #expect(operation.typedData(in: domain).digest == operation.hash(in: domain))
        let signed = operation.signed(with: Self.extraKey, in: domain)
        #expect(signed.sign.hexString == entry.string("signature"))
        #expect(try signed.signer(in: domain) == Address(hex: try #require(entry.string("signer"))))
        #expect(throws: OrderSignatureError.unsigned(Order.typeName + "Operation")) { try operation.signer(in: domain) }
    }

    // MARK: - Cross-check on many generated orders

    @Test func fastPathAgreesWithGenericTypedData() throws {
        var random = SeededGenerator(seed: 712)
        func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) } }
        func address() throws -> Address { try Address(bytes(20)) }
        func word() throws -> Hash32 { try Hash32(bytes(32)) }
        func uint() throws -> UInt256 { try UInt256(bigEndian: bytes(Int.random(in: 0...32, using: &random))) }
        let domain = PoCoDomain(chainId: UInt256(random.next()), hub: try address())
        for round in 0..<40 {
            let params = String(decoding: bytes(round * 7).map { $0 % 95 + 32 }, as: UTF8.self) + (round % 3 == 0 ? "é🚀" : "")
            let request = RequestOrder(
                app: try address(), appmaxprice: try uint(), dataset: try address(), datasetmaxprice: try uint(),
                workerpool: try address(), workerpoolmaxprice: try uint(), requester: try address(), volume: try uint(),
                tag: try word(), category: try uint(), trust: try uint(), beneficiary: try address(), callback: try address(),
                params: params, salt: try word())
            let app = AppOrder(
                app: try address(), appprice: try uint(), volume: try uint(), tag: try word(), datasetrestrict: try address(),
                workerpoolrestrict: try address(), requesterrestrict: try address(), salt: try word())
            let dataset = DatasetOrder(
                dataset: try address(), datasetprice: try uint(), volume: try uint(), tag: try word(), apprestrict: try address(),
                workerpoolrestrict: try address(), requesterrestrict: try address(), salt: try word())
            let pool = WorkerpoolOrder(
                workerpool: try address(), workerpoolprice: try uint(), volume: try uint(), tag: try word(), category: try uint(),
                trust: try uint(), apprestrict: try address(), datasetrestrict: try address(), requesterrestrict: try address(),
                salt: try word())
            #expect(request.typedData(in: domain).digest == request.hash(in: domain))
            #expect(app.typedData(in: domain).digest == app.hash(in: domain))
            #expect(dataset.typedData(in: domain).digest == dataset.hash(in: domain))
            #expect(pool.typedData(in: domain).digest == pool.hash(in: domain))
            let close = OrderOperation(order: pool, operation: .close)
            #expect(close.typedData(in: domain).digest == close.hash(in: domain))
            #expect(try RequestOrder(json: request.json) == request)
        }
    }

    // MARK: - JSON

    static let appOrderJSON = #"""
        {"app":"0x2EbD509d777B187E8394566bA6ec093B9dd73DF1","appprice":"0","volume":"1",
         "tag":"0x0000000000000000000000000000000000000000000000000000000000000000",
         "datasetrestrict":"0x0000000000000000000000000000000000000000",
         "workerpoolrestrict":"0x0000000000000000000000000000000000000000",
         "requesterrestrict":"0x0000000000000000000000000000000000000000",
         "salt":"0xbe858b0eee90cf2e85297bd3df81373f6b4de20c67a3e1f5db1a9d5be8abc3c4"}
        """#

    /// The app order above with one member replaced (or removed when `value` is nil).
    private func appOrder(_ field: String, _ value: String?) throws -> AppOrder {
        guard case .object(var members) = try JSONValue(parsing: Self.appOrderJSON) else { throw OrderJSONError.notAnObject(order: "", found: "") }
        members[field] = try value.map { try JSONValue(parsing: $0) }
        return try AppOrder(jsonValue: .object(members))
    }

    @Test func jsonAcceptsNumbersHexAndSign() throws {
        let base = try AppOrder(json: Self.appOrderJSON)
        #expect(base.sign.isEmpty)
        #expect(base.structHash.hex == "0xb80a475500e9316e4951c0e4621f3641bac75563c18ba14fa67754b70f96f729")
        #expect(try appOrder("volume", "1") == base)
        #expect(try appOrder("volume", #""0x01""#) == base)
        #expect(try appOrder("sign", #""0x""#) == base)
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(try appOrder("appprice", max).appprice == .max)
        #expect(try appOrder("app", #""0x2ebd509d777b187e8394566ba6ec093b9dd73df1""#) == base)
        let signature = "0x82c2d8a5f59f1088eb0b9a627c367ae7dae1772c8bd98c394699ae24830611e1171026f4e28d2c60302c34a04c60c4fc2f1363e165072dca04a9f203734978671c"
        let signed = try appOrder("sign", "\"\(signature)\"")
        #expect(signed.sign.hexString == signature)
        #expect(signed.json.hasSuffix(#","salt":"0xbe858b0eee90cf2e85297bd3df81373f6b4de20c67a3e1f5db1a9d5be8abc3c4","sign":"\#(signature)"}"#))
        #expect(base.json.hasPrefix(#"{"app":"0x2EbD509d777B187E8394566bA6ec093B9dd73DF1","appprice":"0","volume":"1","tag":"#))
    }

    @Test func jsonErrorsNameTheField() {
        let cases: [(String, String?, OrderJSONError)] = [
            ("appprice", #""12a""#, .invalidField("appprice", reason: "'12a' is not an unsigned integer")),
            ("appprice", "-1", .invalidField("appprice", reason: "-1 is not an unsigned integer")),
            ("appprice", "1.5", .invalidField("appprice", reason: "1.5 is not an unsigned integer")),
            ("appprice", #""""#, .invalidField("appprice", reason: "'' is not an unsigned integer")),
            ("appprice", "true", .invalidField("appprice", reason: "expected an unsigned integer, got a boolean")),
            ("volume", #""115792089237316195423570985008687907853269984665640564039457584007913129639936""#,
             .invalidField("volume", reason: "'115792089237316195423570985008687907853269984665640564039457584007913129639936' does not fit in 256 bits")),
            ("tag", #""0x01""#, .invalidField("tag", reason: "'0x01' is not a bytes32: \(HexError.wrongLength(expected: 32, actual: 1))")),
            ("salt", "7", .invalidField("salt", reason: "expected 0x + 64 hex digits, got 7")),
            ("app", #""0x2EBD509d777B187E8394566bA6ec093B9dd73DF1""#, .invalidField("app", reason: AddressError.badChecksum(
                given: "0x2EBD509d777B187E8394566bA6ec093B9dd73DF1", expected: "0x2EbD509d777B187E8394566bA6ec093B9dd73DF1").description)),
            ("app", #""2EbD509d777B187E8394566bA6ec093B9dd73DF1""#,
             .invalidField("app", reason: "expected an address string (0x + 40 hex digits), got '2EbD509d777B187E8394566bA6ec093B9dd73DF1'")),
            ("sign", #""0xzz""#, .invalidField("sign", reason: HexError.invalidCharacter(UInt8(ascii: "z"), offset: 0).description)),
            ("salt", nil, .missingField("salt", order: "AppOrder")),
            ("appPrice", "1", .unknownField("appPrice", order: "AppOrder")),
        ]
        for (field, value, error) in cases {
            #expect(throws: error) { try appOrder(field, value) }
        }
        #expect(OrderJSONError.invalidField("appprice", reason: "'12a' is not an unsigned integer").description
            == "appprice: '12a' is not an unsigned integer")
        #expect(throws: OrderJSONError.notAnObject(order: "RequestOrder", found: "an array")) { try RequestOrder(json: "[]") }
        #expect(throws: OrderJSONError.unrecognizedOrder) { try AnyPoCoOrder(json: #"{"app":"0x"}"#) }
        #expect(throws: OrderJSONError.unrecognizedOrder) { try AnyPoCoOrder(json: #"{"appprice":"1","requester":"0x"}"#) }
        #expect(throws: OrderJSONError.unknownField("requester", order: "AppOrder")) {
            try appOrder("requester", #""0x0000000000000000000000000000000000000000""#)
        }
        #expect(throws: OrderJSONError.invalidJSON(.unexpectedEnd)) { try AppOrder(json: "{") }
        #expect(throws: OrderJSONError.invalidField("params", reason: "expected a string, got an object")) {
            let entry = try #require(Self.entries("orders_extra").first { $0.string("type") == "RequestOrder" })
            guard case .object(var members) = try JSONValue(parsing: try #require(entry.json("order"))) else { return }
            members["params"] = ["iexec_args": "x"]
            _ = try RequestOrder(jsonValue: .object(members))
        }
    }

    @Test func codableRoundTripAndLimits() throws {
        let order = try AppOrder(json: Self.appOrderJSON).signed(with: Self.extraKey, in: PoCoDomain(chainId: 134, hub: .zero))
        let data = try JSONEncoder().encode(order)
        #expect(try JSONDecoder().decode(AppOrder.self, from: data) == order)
        #expect(try JSONDecoder().decode(AppOrder.self, from: Data(Self.appOrderJSON.utf8)) == AppOrder(json: Self.appOrderJSON))
        // Through JSONDecoder a number beyond 64 bits arrives as a Double: refused, never rounded.
        let big = Self.appOrderJSON.replacingOccurrences(of: #""appprice":"0""#, with: #""appprice":100000000000000000000"#)
        #expect(throws: OrderJSONError.invalidField("appprice", reason: "1e+20 is not an unsigned integer")) {
            try JSONDecoder().decode(AppOrder.self, from: Data(big.utf8))
        }
        #expect(try AppOrder(json: big).appprice == UInt256(decimal: "100000000000000000000"))
    }

    @Test func signerErrors() throws {
        let domain = PoCoDomain(chainId: 133, hub: try Address(hex: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f"))
        var order = try AppOrder(json: Self.appOrderJSON)
        #expect(throws: OrderSignatureError.unsigned("AppOrder")) { try order.signer(in: domain) }
        order.sign = [1, 2, 3]
        #expect(throws: OrderSignatureError.invalid(.signatureLength(3))) { try order.signer(in: domain) }
        let good = order.signed(with: Self.commonsKey, in: domain)
        #expect(good.sign.hexString == "0x82c2d8a5f59f1088eb0b9a627c367ae7dae1772c8bd98c394699ae24830611e1171026f4e28d2c60302c34a04c60c4fc2f1363e165072dca04a9f203734978671c")
        order.sign = Array(good.sign[0..<64]) + [29]
        #expect(throws: OrderSignatureError.invalid(.invalidRecoveryId(29))) { try order.signer(in: domain) }
        // A different domain gives a different digest, hence another "signer".
        #expect(!good.isSigned(by: Self.commonsKey.address, in: PoCoDomain(chainId: 134, hub: domain.hub)))
    }
}
