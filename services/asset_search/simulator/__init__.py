"""A linkage-agency simulator (联动单位模拟器): plays every agency of the registry for dev and tests."""
