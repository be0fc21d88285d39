import AsyncHTTPClient
import Ethereum
import NIOCore
import NIOHTTP1

/// The HTTP exchange the JSON services' clients share (market, scheduler): a base URL without a
/// trailing slash, one request, the whole answer, and a status outside those expected turned
/// into `ClientError.service` with the service's `{"error"}` message.
struct ServiceTransport: Sendable {
    let baseURL: String
    let httpClient: HTTPClient
    var timeout: TimeAmount
    let maxAnswerSize: Int

    init(baseURL: String, httpClient: HTTPClient, timeout: TimeAmount, maxAnswerSize: Int) {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.httpClient = httpClient
        self.timeout = timeout
        self.maxAnswerSize = maxAnswerSize
    }

    /// Sends a request (a JSON body when given); returns the status and the answer's bytes.
    func exchange(_ method: HTTPMethod, _ path: String, headers: [String: String] = [:], json body: [UInt8]? = nil,
                  expecting: Set<Int>) async throws(ClientError) -> (status: Int, body: ByteBuffer) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let bytes: ByteBuffer
        do {
            let response = try await httpClient.execute(request, timeout: timeout)
            status = Int(response.status.code)
            bytes = try await response.body.collect(upTo: maxAnswerSize)
        } catch {
            throw .transport("\(method) \(baseURL + path): \(error)")
        }
        guard expecting.contains(status) else {
            let answer = try? JSONValue(parsing: bytes.readableBytesView)
            if case .string(let message)? = answer?["error"] { throw .service(status: status, message: message) }
            throw .service(status: status, message: String(buffer: bytes))
        }
        return (status, bytes)
    }
}
