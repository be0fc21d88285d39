import Ethereum
import Foundation

/// `keystore`: open the reference's keystore, or write one for the reference to open.
func answerKeystore(_ input: Input) throws -> [String: Any] {
    let password = try input.string("password")
    switch try input.string("mode") {
    case "decrypt":
        let json = try JSONSerialization.data(withJSONObject: try input.value("keystore"))
        return ["privateKey": Hex.encode(try Keystore.decrypt(jsonData: json, password: password).bytes)]
    case "encrypt":
        let kdf: KeyDerivation = try input.string("kdf") == "scrypt" ? .light : .pbkdf2(c: 2000)
        let file = try Keystore.encrypt(try input.privateKey(), password: password, kdf: kdf)
        return ["keystore": try JSONSerialization.jsonObject(with: file.jsonData)]
    case let other:
        throw CheckerError("unknown keystore mode \(other)")
    }
}
