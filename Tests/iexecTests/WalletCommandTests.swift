import Ethereum
import Foundation
import Testing

@testable import iexec

@Suite("iexec wallet create|import|show")
struct WalletCommandTests {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("iexec-wallet-tests-\(UUID().uuidString)").path

    @Test func createThenShowGivesTheSameAddress() throws {
        let created = try Wallet.Create.parse(["--password", "pw", "--keystoredir", directory, "--light"]).execute()
        let file = try #require(created.fields["file"] as? String)
        let address = try #require(created.fields["address"] as? String)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(URL(fileURLWithPath: file).lastPathComponent.hasPrefix("UTC--"))
        let shown = try Wallet.Show.parse(["--keystore", file, "--password", "pw"]).execute()
        #expect(shown.fields["address"] as? String == address)
        // The file is a standard keystore: the library opens it on its own too.
        let key = try Keystore.decrypt(jsonData: try Data(contentsOf: URL(fileURLWithPath: file)), password: "pw")
        #expect(key.address.checksummed == address)
    }

    @Test func importKeepsTheKeyAndRefusesADuplicate() throws {
        let key = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
        let arguments = [key, "--password", "pw", "--keystoredir", directory, "--kdf", "pbkdf2", "--light"]
        let imported = try Wallet.Import.parse(arguments).execute()
        #expect(imported.fields["address"] as? String == "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23")
        let file = try #require(imported.fields["file"] as? String)
        let opened = try Wallet.open(keystore: file, password: "pw")
        #expect(Hex.encode(opened.bytes) == key)
        let error = #expect(throws: CLIError.self) { try Wallet.Import.parse(arguments).execute() }
        #expect(error?.description.contains("already exists") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).count == 1)
    }

    @Test func badInputIsRefusedWithAnErrorNamingIt() throws {
        let short = #expect(throws: CLIError.self) {
            try Wallet.Import.parse(["0x1234", "--password", "pw", "--keystoredir", directory]).execute()
        }
        #expect(short?.description.hasPrefix("private key:") == true)
        let created = try Wallet.Create.parse(["--password", "right", "--keystoredir", directory, "--light"]).execute()
        let file = try #require(created.fields["file"] as? String)
        #expect(throws: KeystoreError.wrongPassword) {
            try Wallet.Show.parse(["--keystore", file, "--password", "wrong"]).execute()
        }
        let missing = #expect(throws: CLIError.self) {
            try Wallet.Show.parse(["--keystore", directory + "/nope", "--password", "pw"]).execute()
        }
        #expect(missing?.description.contains("cannot read") == true)
    }
}
