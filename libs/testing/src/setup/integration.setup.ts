// Integration tests talk to real brokers: consumer-group joins and topic creation take seconds.
jest.setTimeout(60_000);
