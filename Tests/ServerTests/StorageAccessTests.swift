import Ethereum
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Storage
import Testing

@Suite("Storage access: private blobs are read only by their readers and uploader")
struct StorageAccessTests {
    /// Every read of a blob: the body, its headers, the manifest, a chunk, a receipt.
    static let reads: [(method: HTTPRequest.Method, path: String)] = [
        (.get, ""), (.head, ""), (.get, "/manifest"), (.get, "/chunks/1"), (.get, "/receipt?bytes=10"),
    ]

    @Test("private: reader and uploader read, others get 403, unsigned or badly signed 401")
    func privateBlob() async throws {
        let fixture = try StorageFixture.make()
        let blob = (0..<300_000).map { UInt8($0 % 13) }
        let cid = ContentID.of(blob)
        try await fixture.application().test(.router) { client in
            let put = try await StorageFixture.upload(client, blob, readers: [StorageFixture.reader])
            #expect(put.status == .created)
            for (method, path) in Self.reads {
                let uri = "/storage/blobs/\(cid)\(path)"
                func status(_ headers: HTTPFields) async throws -> HTTPResponse.Status {
                    try await client.execute(uri: uri, method: method, headers: headers).status
                }
                #expect(try await status(StorageFixture.signed("GET", cid, by: StorageFixture.reader)) == .ok, "reader \(method) \(path)")
                #expect(try await status(StorageFixture.signed("GET", cid, by: StorageFixture.uploader)) == .ok, "uploader \(method) \(path)")
                let stranger = try await client.execute(uri: uri, method: method,
                                                        headers: StorageFixture.signed("GET", cid, by: StorageFixture.stranger))
                #expect(stranger.status == .forbidden, "stranger \(method) \(path)")
                if method == .get { #expect(try stranger.json["error"] != nil) }
                #expect(try await status([:]) == .unauthorized, "unsigned \(method) \(path)")
                // The upload's own signature (PUT) is no read permission, nor an old GET.
                #expect(try await status(StorageFixture.signed("PUT", cid, by: StorageFixture.reader)) == .unauthorized, "PUT-signed \(method) \(path)")
                #expect(try await status(StorageFixture.signed("GET", cid, by: StorageFixture.reader, at: StorageFixture.now - 600)) == .unauthorized,
                        "stale \(method) \(path)")
            }
            // The receipt names the signed reader.
            let receipt = try await client.execute(uri: "/storage/blobs/\(cid)/receipt?bytes=300000", method: .get,
                                                   headers: StorageFixture.signed("GET", cid, by: StorageFixture.reader))
            let decoded = try JSONDecoder().decode(StorageReceipt.self, from: Data(receipt.body.readableBytesView))
            #expect(decoded.reader == StorageFixture.reader.address)
            #expect(decoded.verify())
            // The bytes themselves reach the reader intact.
            let body = try await client.execute(uri: "/storage/blobs/\(cid)", method: .get,
                                                headers: StorageFixture.signed("GET", cid, by: StorageFixture.reader))
            #expect(Array(body.body.readableBytesView) == blob)
        }
        let metadata = try fixture.store.metadata(of: cid)
        #expect(metadata.readers == [StorageFixture.reader.address])
        #expect(metadata.uploader == StorageFixture.uploader.address)
    }

    @Test("public: anyone reads, unsigned or signed; a bad signature is still refused")
    func publicBlob() async throws {
        let fixture = try StorageFixture.make()
        let blob = (0..<300_000).map { UInt8($0 % 17) }
        let cid = ContentID.of(blob)
        try await fixture.application().test(.router) { client in
            #expect(try await StorageFixture.upload(client, blob).status == .created)
            for (method, path) in Self.reads {
                let uri = "/storage/blobs/\(cid)\(path)"
                let unsigned = try await client.execute(uri: uri, method: method).status
                let signed = try await client.execute(uri: uri, method: method,
                                                      headers: StorageFixture.signed("GET", cid, by: StorageFixture.stranger)).status
                let wrongMethod = try await client.execute(uri: uri, method: method,
                                                           headers: StorageFixture.signed("PUT", cid, by: StorageFixture.stranger)).status
                #expect(unsigned == .ok, "unsigned \(method) \(path)")
                #expect(signed == .ok, "signed \(method) \(path)")
                #expect(wrongMethod == .unauthorized, "PUT-signed \(method) \(path)")
            }
        }
    }

    @Test("a malformed readers header is refused with 400 and stores nothing")
    func malformedReaders() async throws {
        let fixture = try StorageFixture.make()
        let blob = Array("private?".utf8)
        let cid = ContentID.of(blob)
        var signed = StorageFixture.signed("PUT", cid, by: StorageFixture.uploader)
        signed[HTTPField.Name(StorageAuthorization.readersHeader)!] = "0x1234,not-an-address"
        let headers = signed
        try await fixture.application().test(.router) { client in
            let response = try await client.execute(uri: "/storage/blobs/\(cid)", method: .put, headers: headers, body: ByteBuffer(bytes: blob))
            #expect(response.status == .badRequest)
            #expect(try response.json["error"] != nil)
        }
        #expect(!fixture.store.contains(cid))
    }
}
