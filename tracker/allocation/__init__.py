"""Allocation: who works with a child (allocated worker and team, independent reviewing
officer, personal adviser) and whether the record is restricted. Only managers change
these, each on a small form of its own, audited ("allocate" events beside the record's
before and after); the child's details form no longer carries them. Managers also get
the list of their children with no allocated worker."""
