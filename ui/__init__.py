"""The dashboard's query layer, labels, filters and exports (everything pages use besides Streamlit)."""
