import Client
import Testing

@Suite("Client errors")
struct ClientErrorTests {
    @Test("a service error shows the status and the service's own message")
    func serviceError() {
        let error = ClientError.service(status: 422, message: "order has no volume left on chain")
        #expect(error.description == "service answered 422: order has no volume left on chain")
    }
}
