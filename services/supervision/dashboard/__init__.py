"""The 执行指挥中心 ops dashboard: a static page (served here) that polls supervision's JSON APIs."""
