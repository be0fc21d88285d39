import Ethereum
import Testing

@testable import PoCo

@Suite("Registries, assets and workerpool policy")
struct RegistryTests {
    let owner = Testbed.key(20).address
    let other = Testbed.key(21).address

    static func createApp(_ owner: Address, name: String = "pi") -> PoCoCall {
        .registry(.createApp(owner: owner, name: name, type: "WASM", multiaddr: Array("/storage/pi.wasm".utf8),
                             checksum: Keccak256.hash("code"), mrenclave: []))
    }

    @Test func createdAssetsHaveDeterministicAddresses() throws {
        var bed = Testbed()
        let receipt = try bed.call(Self.createApp(owner), from: other)
        guard case .address(let app) = receipt.output else { Issue.record("no address"); return }
        #expect(app == Testbed.config.predictApp(owner: owner, name: "pi", type: "WASM",
                                                  multiaddr: Array("/storage/pi.wasm".utf8),
                                                  checksum: Keccak256.hash("code"), mrenclave: []))
        #expect(bed.state.app(app)?.owner == owner)
        #expect(bed.state.uint(.assetCount(.app)) == 1 && bed.state.uint(.assetBalance(.app, owner: owner)) == 1)
        // The mint is the registry's ERC-721 Transfer(0x0 → owner, tokenId = address).
        #expect(receipt.logs == [PoCoLog(address: Testbed.config.appRegistry,
                                         event: .assetTransfer(from: .zero, to: owner, tokenId: try UInt256(bigEndian: app.bytes)))])
        #expect(receipt.logs[0].topics.count == 4)
        bed.expectRevert(.assetExists, Self.createApp(owner), from: owner)
        // Another name, or another owner, is another asset.
        let second = try bed.call(Self.createApp(owner, name: "pi2"), from: owner).output
        let third = try bed.call(Self.createApp(other), from: owner).output
        #expect(Set([receipt.output, second, third]).count == 3)

        let dataset = try bed.call(.registry(.createDataset(owner: owner, name: "d", multiaddr: [1], checksum: .zero)),
                                   from: owner)
        #expect(dataset.output == .address(Testbed.config.predictDataset(owner: owner, name: "d", multiaddr: [1], checksum: .zero)))
        bed.expectRevert(.assetExists, .registry(.createDataset(owner: owner, name: "d", multiaddr: [1], checksum: .zero)),
                         from: owner)
        bed.expectRevert(.assetMintToZeroAddress, .registry(.createWorkerpool(owner: .zero, description: "x")), from: owner)
    }

    @Test func ownershipTransfer() throws {
        var bed = Testbed()
        guard case .address(let pool) = try bed.call(.registry(.createWorkerpool(owner: owner, description: "p")),
                                                      from: owner).output else { return }
        bed.expectRevert(.notAssetOwnerOrApproved,
                         .registry(.transferAsset(kind: .workerpool, from: owner, to: other, asset: pool)), from: other)
        bed.expectRevert(.notRegistered(.app, pool),
                         .registry(.transferAsset(kind: .app, from: owner, to: other, asset: pool)), from: owner)
        bed.expectRevert(.assetTransferToZeroAddress,
                         .registry(.transferAsset(kind: .workerpool, from: owner, to: .zero, asset: pool)), from: owner)
        bed.expectRevert(.assetTransferNotOwnToken,
                         .registry(.transferAsset(kind: .workerpool, from: other, to: owner, asset: pool)), from: owner)
        try bed.call(.registry(.transferAsset(kind: .workerpool, from: owner, to: other, asset: pool)), from: owner)
        #expect(bed.state.workerpool(pool)?.owner == other)
        #expect(bed.state.uint(.assetBalance(.workerpool, owner: owner)) == 0)
        #expect(bed.state.uint(.assetBalance(.workerpool, owner: other)) == 1)
    }

    @Test func changePolicy() throws {
        var bed = Testbed()
        guard case .address(let pool) = try bed.call(.registry(.createWorkerpool(owner: owner, description: "p")),
                                                      from: owner).output else { return }
        #expect(bed.state.workerpool(pool)?.workerStakeRatioPolicy == 30)
        #expect(bed.state.workerpool(pool)?.schedulerRewardRatioPolicy == 1)
        bed.expectRevert(.notEntryOwner, .registry(.changePolicy(workerpool: pool, workerStakeRatio: 40,
                                                                  schedulerRewardRatio: 5)), from: other)
        bed.expectRevert(.schedulerRewardRatioTooHigh, .registry(.changePolicy(workerpool: pool, workerStakeRatio: 40,
                                                                                schedulerRewardRatio: 101)), from: owner)
        bed.expectRevert(.notRegistered(.workerpool, other), .registry(.changePolicy(workerpool: other, workerStakeRatio: 1,
                                                                                     schedulerRewardRatio: 1)), from: owner)
        let receipt = try bed.call(.registry(.changePolicy(workerpool: pool, workerStakeRatio: 40, schedulerRewardRatio: 100)),
                                   from: owner)
        #expect(receipt.logs == [PoCoLog(address: pool, event: .policyUpdate(oldWorkerStakeRatio: 30, newWorkerStakeRatio: 40,
                                                                             oldSchedulerRewardRatio: 1,
                                                                             newSchedulerRewardRatio: 100))])
        #expect(receipt.logs[0].topics[0].hex == "0x61f37ef3a6d587ce2d6be79492e1fac570f2745787015db7ed95ad4397b05c1e")
        #expect(bed.state.workerpool(pool)?.schedulerRewardRatioPolicy == 100)
    }
}
