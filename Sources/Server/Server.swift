// The node's HTTP and WebSocket front: filled in by the Server work of issue #4.
