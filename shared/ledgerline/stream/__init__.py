"""The real-time stream's transports (issue 20, item 6): API Gateway's WebSocket API and its Management API
in AWS (`handlers`, `management`); the use cases are services/stream.py, the local server's is local/stream.py."""
