"""Request and response models: the API contract. `XCreate`, `XUpdate` and `XOut` per resource."""
