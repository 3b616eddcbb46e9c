"""Intake: 执行立案服务中心 and the routing half of 事务集约中心."""
