// End-to-end tests build and start whole services and kill them on purpose: minutes, not seconds.
jest.setTimeout(240_000);
