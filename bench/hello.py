"""Hello world in Streamlit (a title, a metric, one small Altair chart): the overview's yardstick."""

import altair as alt
import pandas as pd
import streamlit as st

st.set_page_config(page_title="Hello", layout="wide")
st.title("Hello, world")
st.metric("Programs", "2,000")
data = pd.DataFrame({"semester": ["2023-S1", "2023-S2", "2024-S1", "2024-S2"], "value": [3, 5, 4, 6]})
st.altair_chart(alt.Chart(data).mark_bar().encode(x="semester", y="value"), width="stretch")
