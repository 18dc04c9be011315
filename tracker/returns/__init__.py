"""The SSDA903 return: export, import (onboarding from a previous return) and the DfE
validation rules as data-quality checks."""
