"""Weekly tracking meeting: pack, meeting mode (decisions and actions), weekly snapshots."""
