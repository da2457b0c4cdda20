"""Representations of resources: request models and the objects the API returns and events carry."""
