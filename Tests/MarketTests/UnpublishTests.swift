import Ethereum
import Market
import PoCo
import Synchronization
import Testing

@Suite("Market: unpublishing with a signed challenge")
struct UnpublishTests {
    /// A clock tests move by hand.
    final class ManualClock: Sendable {
        private let now: Mutex<UInt64>
        init(_ start: UInt64) { now = Mutex(start) }
        func advance(_ seconds: UInt64) { now.withLock { $0 += seconds } }
        var read: @Sendable () -> UInt64 { { [self] in now.withLock { $0 } } }
    }

    @Test("the owner's signed challenge removes the order")
    func happyPath() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let entry = try await service.publish(.app(world.appOrder()))
        let challenge = await service.challenge(for: world.appOwner.address)
        #expect(challenge.address == world.appOwner.address)
        #expect(challenge.expiresAt == 1_700_000_100 + MarketPolicy().challengeLifetime)
        #expect(challenge.challenge.count == 66)
        // What the route sends a wallet: the typed data, which signs to the same digest.
        let document = try #require(challenge.jsonValue["typedData"])
        #expect(try TypedData(jsonValue: document).digest == challenge.hash)
        #expect(challenge.jsonValue["expiresAt"] == .number(String(challenge.expiresAt)))
        try await service.unpublish(entry.orderHash, authorization: challenge.authorization(signedWith: world.appOwner))
        await #expect(throws: MarketError.notFound(entry.orderHash)) { try await service.order(entry.orderHash) }
        // Each challenge is fresh.
        #expect(await service.challenge(for: world.appOwner.address).challenge != challenge.challenge)
    }

    @Test("a signature by another key is refused, and the challenge stays usable by its owner")
    func wrongKey() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let entry = try await service.publish(.app(world.appOrder()))
        let challenge = await service.challenge(for: world.appOwner.address)
        let stranger = MarketWorld.key(999)
        // The stranger's signature, claimed for the owner's address.
        let forged = SignedChallenge.authorization(
            hash: challenge.hash, signature: challenge.typedData.sign(with: stranger).bytes,
            address: world.appOwner.address)
        await #expect(throws: MarketError.unauthorized(
            "the challenge is signed by \(stranger.address.checksummed), not \(world.appOwner.address.checksummed)")) {
            try await service.unpublish(entry.orderHash, authorization: forged)
        }
        // The stranger's own authorization names another address than the challenge's.
        await #expect(throws: MarketError.unauthorized(
            "the challenge was issued to \(world.appOwner.address.checksummed), not \(stranger.address.checksummed)")) {
            try await service.unpublish(entry.orderHash, authorization: challenge.authorization(signedWith: stranger))
        }
        await #expect(throws: MarketError.unauthorized(
            "the authorization must be \"<challenge hash>_<signature>_<address>\", got 1 part(s)")) {
            try await service.unpublish(entry.orderHash, authorization: "garbage")
        }
        #expect(try await service.order(entry.orderHash) == entry)
        try await service.unpublish(entry.orderHash, authorization: challenge.authorization(signedWith: world.appOwner))
    }

    @Test("an expired challenge is refused")
    func expired() async throws {
        let world = try MarketWorld()
        let clock = ManualClock(1_700_000_000)
        let service = world.service(policy: MarketPolicy(challengeLifetime: 60), clock: clock.read)
        let entry = try await service.publish(.app(world.appOrder()))
        let challenge = await service.challenge(for: world.appOwner.address)
        clock.advance(61)
        await #expect(throws: MarketError.unauthorized("the challenge expired at 1700000060; ask for a new one")) {
            try await service.unpublish(entry.orderHash, authorization: challenge.authorization(signedWith: world.appOwner))
        }
        // At the last valid second a fresh one works.
        let fresh = await service.challenge(for: world.appOwner.address)
        clock.advance(60)
        try await service.unpublish(entry.orderHash, authorization: fresh.authorization(signedWith: world.appOwner))
    }

    @Test("a challenge is good for one unpublish only")
    func replay() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let first = try await service.publish(.app(world.appOrder(salt: 1)))
        let second = try await service.publish(.app(world.appOrder(salt: 2)))
        let challenge = await service.challenge(for: world.appOwner.address)
        let authorization = challenge.authorization(signedWith: world.appOwner)
        try await service.unpublish(first.orderHash, authorization: authorization)
        await #expect(throws: MarketError.unauthorized(
            "unknown or already used challenge \(challenge.hash.hex); ask for a new one")) {
            try await service.unpublish(second.orderHash, authorization: authorization)
        }
        #expect(try await service.order(second.orderHash) == second)
    }

    @Test("nobody unpublishes someone else's order")
    func someoneElsesOrder() async throws {
        let world = try MarketWorld()
        let service = world.service()
        let entry = try await service.publish(.app(world.appOrder()))
        let challenge = await service.challenge(for: world.requester.address)
        await #expect(throws: MarketError.notOrderOwner(entry.orderHash, caller: world.requester.address,
                                                         owner: world.appOwner.address)) {
            try await service.unpublish(entry.orderHash, authorization: challenge.authorization(signedWith: world.requester))
        }
        #expect(try await service.order(entry.orderHash) == entry)
    }

    @Test("the challenge's EIP-712 hash and signature match eth-account's")
    func ethAccountVector() throws {
        // Computed with eth-account 0.14 (/work/venv): encode_typed_data(full_message=…) hashed as
        // keccak(0x19 ‖ version ‖ header ‖ body), and Account.sign_typed_data(key, full_message=…),
        // for the document {domain: {name: "iExec Gateway", version: "1", chainId: 134},
        // types: {Challenge: [{name: challenge, type: string}]}, message: {challenge: <below>}}.
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let challenge = SignedChallenge(
            address: key.address, challenge: "0x6e2f1a36a0a5c8f4e1c0d0d3b9a0f7c2e6a1b9d8c7f6e5d4c3b2a1908f7e6d5c",
            chainId: 134, expiresAt: 0)
        #expect(challenge.hash.hex == "0x7ec9d5a1a06995f926d6a044a09639ead1683f779e5122eebbc22d7e12f20758")
        #expect(key.address.checksummed == "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        let signature = "0xd118dbe060f4e9b4154b214269b5b148456972bbb15914d97309e39297eadbf9"
            + "3d86be2eda25f6782121c881f80f4c3e6f403324600e9df9b9ce206b2d20a97c1c"
        #expect(challenge.authorization(signedWith: key)
            == "0x7ec9d5a1a06995f926d6a044a09639ead1683f779e5122eebbc22d7e12f20758_\(signature)_0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        // The document a wallet is given parses back to the same digest.
        let reparsed = try TypedData(json: challenge.typedData.json)
        #expect(reparsed.digest == challenge.hash)
    }

    @Test("outstanding challenges are capped, the oldest dropped first")
    func capped() async throws {
        let world = try MarketWorld()
        let service = world.service(challengeCapacity: 3)
        let first = try await service.publish(.app(world.appOrder(salt: 1)))
        let second = try await service.publish(.app(world.appOrder(salt: 2)))
        let oldest = await service.challenge(for: world.appOwner.address)
        let kept = await service.challenge(for: world.appOwner.address)
        for _ in 0..<2 { _ = await service.challenge(for: world.appOwner.address) }
        await #expect(throws: MarketError.unauthorized(
            "unknown or already used challenge \(oldest.hash.hex); ask for a new one")) {
            try await service.unpublish(first.orderHash, authorization: oldest.authorization(signedWith: world.appOwner))
        }
        try await service.unpublish(second.orderHash, authorization: kept.authorization(signedWith: world.appOwner))
    }
}
