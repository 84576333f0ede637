"""Where each file goes: the plan model, target naming, templates, conflicts, the plan file."""
