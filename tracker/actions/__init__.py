"""Actions: something to do for a child, agreed at a tracking meeting, a review or a
pathway plan, with an owner and a due date. Each is a tracked item like any other (the
``action`` rule); the model lives with the tracked items (``tracking.models.Action``)
because an action item's owner is the action's."""
