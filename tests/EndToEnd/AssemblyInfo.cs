// One platform at a time: every platform's simulator publishes under the same device ids on the one
// local broker, and every gateway's shared subscription receives them all — two platforms at once would
// see each other's fridges (alerts, kiosk sales) in their databases.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
