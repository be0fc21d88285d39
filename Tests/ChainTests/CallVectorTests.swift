import Chain
import Ethereum
import PoCo
import Testing

/// vectors.json `abi_encoding_examples` (calldata computed with eth_abi 6.0.0 and web3 8.0.0 from
/// the PoCo ABI JSON) decode to the engine calls over the vectors' own orders.
@Suite struct CallVectorTests {
    @Test func matchOrdersCalldataDecodesToTheVectorsOrders() throws {
        let calldata = try [UInt8](hex: try #require(try Vectors.example("matchOrders_calldata")["calldata"] as? String))
        let app = try Vectors.order("orders_published", "sdk-legacy-AppOrder-134")
        let dataset = try Vectors.order("orders_published", "sdk-legacy-DatasetOrder-134")
        let workerpool = try Vectors.order("orders_published", "sdk-legacy-WorkerpoolOrder-134")
        let request = try Vectors.order("orders_published", "sdk-legacy-RequestOrder-134")
        var appOrder = try AppOrder(json: app.json)
        appOrder.sign = app.sign
        var datasetOrder = try DatasetOrder(json: dataset.json)
        datasetOrder.sign = dataset.sign
        var workerpoolOrder = try WorkerpoolOrder(json: workerpool.json)
        workerpoolOrder.sign = workerpool.sign
        var requestOrder = try RequestOrder(json: request.json)
        requestOrder.sign = request.sign

        let call = try PoCoBinding.decodeCall(to: Fixtures.config.hub, data: calldata, config: Fixtures.config)
        #expect(call == .matching(.matchOrders(appOrder, datasetOrder, workerpoolOrder, requestOrder)))
        // The request's params are the SDK's JSON text, escapes included.
        guard case .matching(.matchOrders(_, _, _, let decodedRequest)) = call else { return }
        #expect(decodedRequest.params.hasPrefix("{\"iexec_result_storage_provider\":\"ipfs\""))
    }

    @Test func manageAppOrderCalldataDecodesToTheSignOperation() throws {
        let example = try Vectors.example("manageAppOrder_calldata")
        let calldata = try [UInt8](hex: try #require(example["calldata"] as? String))
        let published = try Vectors.order("orders_extra", "extra-AppOrder-1")
        var order = try AppOrder(json: published.json)
        order.sign = try [UInt8](hex: try #require(example["order_sign_field"] as? String))
        #expect(order.sign == published.sign)
        let operation = try Vectors.entry("order_operations", "op-AppOrderOperation-SIGN")
        let operationSign = try [UInt8](hex: try #require(operation["signature"] as? String))

        let call = try PoCoBinding.decodeCall(to: Fixtures.config.hub, data: calldata, config: Fixtures.config)
        #expect(call == .orders(.manageAppOrder(OrderOperation(order: order, operation: .sign, sign: operationSign))))
    }
}
