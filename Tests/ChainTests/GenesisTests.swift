import Chain
import Ethereum
import PoCo
import Foundation
import Testing

@Suite("Genesis")
struct GenesisTests {
    /// The dev mnemonic's accounts at m/44'/60'/0'/0/0…9, computed with eth-account
    /// (`Account.from_mnemonic`); Hardhat and Anvil print the same list.
    static let devAddresses = [
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
        "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
        "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f", "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
    ]

    static let alice = try! Address(hex: "0x00000000000000000000000000000000000a1cE0")
    static let bob = try! Address(hex: "0x0000000000000000000000000000000000000B0b")

    private func parse(_ text: String) throws(GenesisError) -> Genesis { try Genesis(json: Array(text.utf8)) }

    @Test func devGenesisHasTheTenFundedDevAccountsAndDefaults() throws {
        let genesis = Genesis.dev()
        #expect(genesis.chainId == 31337)
        #expect(genesis.accounts.map(\.address.checksummed) == Self.devAddresses)
        #expect(genesis.accounts.map(\.address) == (try HDWallet.devAccounts()).map(\.address))
        // 10,000 RLC = 10,000 · 1e18 wei.
        let tenThousandRLC = try UInt256(decimal: "10000000000000000000000")
        #expect(genesis.accounts.allSatisfy { $0.balance == tenThousandRLC && $0.escrow.isZero })
        #expect(genesis.governance.checksummed == Self.devAddresses[0])
        #expect(genesis.categories == Category.defaults)
        #expect(genesis.hub.checksummed == "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f")

        let state = try GenesisState(genesis)
        #expect(state.nativeBalances.count == 10)
        #expect(state.nativeBalances.values.allSatisfy { $0 == tenThousandRLC })
        #expect(state.state.uint(.categoryCount) == 5)
        #expect(state.state.category(4) == Category.defaults[4])
        #expect(state.state.uint(.totalSupply).isZero)
        #expect(state.engine.config.governance == genesis.governance)
        #expect(try GenesisState(Genesis.dev()).genesisHash == state.genesisHash)
    }

    @Test func defaultRegistriesAreTheDocumentedKeccakDerivedAddresses() {
        // Last 20 bytes of keccak256 of the name, as documented on the constants.
        for (address, name) in [(Genesis.defaultAppRegistry, "app"), (Genesis.defaultDatasetRegistry, "dataset"),
                                (Genesis.defaultWorkerpoolRegistry, "workerpool")] {
            #expect(address.bytes == Array(Keccak256.hash("iexec-swift \(name) registry").bytes.suffix(20)))
        }
    }

    @Test func genesisHashChangesWithAnyPart() throws {
        let base = try GenesisState(Genesis.dev()).genesisHash
        var other = Genesis.dev()
        other.chainId = 31338
        #expect(try GenesisState(other).genesisHash != base)
        other = Genesis.dev()
        other.accounts[3].balance = other.accounts[3].balance &+ 1
        #expect(try GenesisState(other).genesisHash != base)
        other = Genesis.dev()
        other.categories.removeLast()
        #expect(try GenesisState(other).genesisHash != base)
        other = Genesis.dev()
        other.governance = Self.alice
        #expect(try GenesisState(other).genesisHash != base)
        other = Genesis.dev()
        other.accounts[4].score = 1
        #expect(try GenesisState(other).genesisHash != base)
    }

    @Test func scoresAreTheWorkersReputationsAtBlockZero() throws {
        var genesis = Genesis.dev()
        genesis.accounts[5].score = 150
        genesis.accounts[6].score = 60
        let state = try GenesisState(genesis).state
        #expect(state.score(genesis.accounts[5].address) == 150)
        #expect(state.score(genesis.accounts[6].address) == 60)
        #expect(state.score(genesis.accounts[7].address) == .zero)
        // Reputation is not money: the native supply is that of the dev genesis.
        let devBalances = try GenesisState(Genesis.dev()).nativeBalances
        #expect(try GenesisState(genesis).nativeBalances == devBalances)
        let text = genesis.json
        #expect(text.contains("\"score\":\"150\""))
        #expect(try parse(text) == genesis)
        #expect(!Genesis.dev().json.contains("score"))
    }

    @Test func jsonRoundTrip() throws {
        let dev = Genesis.dev()
        #expect(try parse(dev.json) == dev)
        let custom = Genesis(chainId: 134, timestamp: 1_700_000_000, governance: Self.alice,
                             hub: Self.bob, categories: [Category(name: "Q", description: "quick \"one\"", workClockTimeRef: 7)],
                             accounts: [GenesisAccount(address: Self.alice, balance: .max, escrow: 5),
                                        GenesisAccount(address: Self.bob, escrow: 12)])
        let text = custom.json
        #expect(try parse(text) == custom)
        #expect(try parse(text).json == text)
    }

    @Test func minimalFileTakesDefaultsAndExactBigNumbers() throws {
        let genesis = try parse("""
            {"chainId": "0x86", "governance": "0x00000000000000000000000000000000000a1ce0",
             "accounts": [{"address": "0x0000000000000000000000000000000000000B0b",
                           "balance": 115792089237316195423570985008687907853269984665640564039457584007913129639935}]}
            """)
        #expect(genesis.chainId == 134)
        #expect(genesis.timestamp == 0)
        #expect(genesis.governance == Self.alice)
        #expect(genesis.hub == Genesis.defaultHub)
        #expect(genesis.workerpoolRegistry == Genesis.defaultWorkerpoolRegistry)
        #expect(genesis.categories == Category.defaults)
        #expect(genesis.accounts == [GenesisAccount(address: Self.bob, balance: .max)])
    }

    @Test func errorsNameTheField() {
        let gov = "\"governance\": \"0x00000000000000000000000000000000000a1ce0\""
        #expect(throws: GenesisError.missingField("chainId")) { try parse("{\(gov)}") }
        #expect(throws: GenesisError.missingField("governance")) { try parse("{\"chainId\": 1}") }
        #expect(throws: GenesisError.unknownField("chainID")) { try parse("{\"chainID\": 1, \(gov)}") }
        #expect(throws: GenesisError.unknownField("accounts[0].balanse")) {
            try parse("{\"chainId\": 1, \(gov), \"accounts\": [{\"address\": \"0x0000000000000000000000000000000000000B0b\", \"balanse\": 1}]}")
        }
        #expect(throws: GenesisError.missingField("accounts[0].address")) {
            try parse("{\"chainId\": 1, \(gov), \"accounts\": [{\"balance\": 1}]}")
        }
        #expect(throws: GenesisError.missingField("categories[1].workClockTimeRef")) {
            try parse("{\"chainId\": 1, \(gov), \"categories\": [{\"name\": \"A\", \"workClockTimeRef\": 1}, {\"name\": \"B\"}]}")
        }
        #expect(throws: GenesisError.wrongType(field: "chainId", expected: "an integer or a string of digits", found: "a boolean")) {
            try parse("{\"chainId\": true, \(gov)}")
        }
        #expect(throws: GenesisError.wrongType(field: "(root)", expected: "an object", found: "an array")) { try parse("[]") }
        // EIP-55: the correct checksum is ...000a1cE0; one letter's case flipped is refused.
        #expect(throws: GenesisError.invalidAddress(field: "governance", .badChecksum(
            given: "0x00000000000000000000000000000000000A1cE0", expected: "0x00000000000000000000000000000000000a1cE0"))) {
            try parse("{\"chainId\": 1, \"governance\": \"0x00000000000000000000000000000000000A1cE0\"}")
        }
        #expect(throws: GenesisError.negativeNumber(field: "timestamp", text: "-1")) {
            try parse("{\"chainId\": 1, \"timestamp\": -1, \(gov)}")
        }
        #expect(throws: GenesisError.negativeNumber(field: "accounts[0].balance", text: "-5")) {
            try parse("{\"chainId\": 1, \(gov), \"accounts\": [{\"address\": \"0x0000000000000000000000000000000000000B0b\", \"balance\": \"-5\"}]}")
        }
        #expect(throws: GenesisError.invalidNumber(field: "chainId", text: "1.5")) { try parse("{\"chainId\": 1.5, \(gov)}") }
        #expect(throws: GenesisError.invalidNumber(field: "chainId", text: "1e3")) { try parse("{\"chainId\": 1e3, \(gov)}") }
        #expect(throws: GenesisError.numberTooLarge(field: "chainId", text: "18446744073709551616",
                                                    maximum: "18446744073709551615")) {
            try parse("{\"chainId\": 18446744073709551616, \(gov)}")
        }
        let twoTo256 = "115792089237316195423570985008687907853269984665640564039457584007913129639936"
        #expect(throws: GenesisError.numberTooLarge(field: "accounts[0].escrow", text: twoTo256, maximum: "2^256 - 1")) {
            try parse("{\"chainId\": 1, \(gov), \"accounts\": [{\"address\": \"0x0000000000000000000000000000000000000B0b\", \"escrow\": \(twoTo256)}]}")
        }
        #expect(throws: GenesisError.duplicateAccount(field: "accounts[2].address", Self.bob)) {
            try parse("""
                {"chainId": 1, \(gov), "accounts": [{"address": "0x0000000000000000000000000000000000000b0b"},
                 {"address": "0x00000000000000000000000000000000000a1cE0"}, {"address": "0x0000000000000000000000000000000000000B0b"}]}
                """)
        }
        #expect(GenesisError.unknownField("accounts[0].balanse").description == "genesis: unknown field 'accounts[0].balanse'")
        do {
            _ = try parse("{\"chainId\": 1,}")
            Issue.record("trailing comma accepted")
        } catch {
            guard case .invalidJSON = error else { Issue.record("expected invalidJSON, got \(error)"); return }
        }
    }

    @Test func escrowDepositsAreRealDepositsAndConserveRLC() throws {
        let genesis = Genesis(chainId: 134, governance: Self.alice, accounts: [
            GenesisAccount(address: Self.alice, balance: 1_000, escrow: 250),
            GenesisAccount(address: Self.bob, escrow: 1_000_000_000_000),
        ])
        let state = try GenesisState(genesis)
        let deposits = UInt256(1_000_000_000_250 as UInt64)
        #expect(state.state.totalHeld == deposits)
        #expect(state.state.uint(.totalSupply) == deposits)
        #expect(state.state.account(Self.alice) == Account(balance: 250))
        #expect(state.state.account(Self.bob) == Account(balance: 1_000_000_000_000))
        // The hub holds the deposits' value in native coin: 1e9 wei per nRLC.
        #expect(state.nativeBalances[genesis.hub] == deposits * PoCoConstants.weiPerNRLC)
        #expect(state.nativeBalances[Self.alice] == 1_000)
        #expect(state.nativeBalances[Self.bob] == nil)
    }

    @Test func coinBeyond256BitsAndDepositsToZeroAreRefused() throws {
        let overflowing = Genesis(chainId: 1, governance: Self.alice, accounts: [
            GenesisAccount(address: Self.alice, balance: .max), GenesisAccount(address: Self.bob, balance: 1),
        ])
        #expect(throws: GenesisError.supplyOverflow(field: "accounts[1]")) { try GenesisState(overflowing) }
        let escrowTooBig = Genesis(chainId: 1, governance: Self.alice, accounts: [
            GenesisAccount(address: Self.alice, escrow: .max),
        ])
        #expect(throws: GenesisError.supplyOverflow(field: "accounts[0]")) { try GenesisState(escrowTooBig) }
        let toZero = Genesis(chainId: 1, governance: Self.alice, accounts: [GenesisAccount(address: .zero, escrow: 1)])
        #expect(throws: GenesisError.self) { try GenesisState(toZero) }
    }
}

@Suite("Genesis hash and file")
struct GenesisHashAndFileTests {
    @Test func genesisHashIsTheDocumentedRLPCommitment() throws {
        var genesis = Genesis.dev()
        genesis.accounts[1].escrow = 42
        genesis.timestamp = 1_700_000_000
        let state = try GenesisState(genesis)
        // Rebuilt from GenesisState.genesisHash's documentation, with balances sorted by address bytes.
        let balances = state.nativeBalances.sorted { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }
        #expect(balances.count == 11)  // ten accounts and the hub
        let expected = Keccak256.hash(RLP.encode(.list([
            .uint(UInt64(31337)), .uint(UInt64(1_700_000_000)), .address(genesis.governance), .address(genesis.hub),
            .address(genesis.appRegistry), .address(genesis.datasetRegistry), .address(genesis.workerpoolRegistry),
            .bytes(state.state.digest.bytes),
            .list(balances.map { .list([.address($0.key), .uint($0.value)]) }),
        ])))
        #expect(state.genesisHash == expected)
    }

    @Test func readsAFileAndNamesAMissingOne() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("genesis-\(UInt64.random(in: 0...UInt64.max)).json").path
        try Array(Genesis.dev().json.utf8).withUnsafeBufferPointer { try Data(buffer: $0).write(to: URL(fileURLWithPath: path)) }
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try Genesis(contentsOfFile: path) == Genesis.dev())
        do {
            _ = try Genesis(contentsOfFile: path + ".absent")
            Issue.record("a missing file was read")
        } catch {
            guard case .unreadableFile(let named, _) = error else { Issue.record("expected unreadableFile, got \(error)"); return }
            #expect(named == path + ".absent")
        }
    }
}
