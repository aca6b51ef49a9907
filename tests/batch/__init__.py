"""Tests of `cloud-mask batch`; ``tests.batch.helpers`` holds what they share."""
