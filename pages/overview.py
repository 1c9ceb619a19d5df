"""Overview: what the database holds."""

import streamlit as st

from domain import db, queries
from domain.formatting import long_date, number
from domain.ui import lang, t

st.title(t("app.title"))
st.caption(t("app.tagline"))

with db.read_session() as session:
    counts = queries.database_counts(session=session)
    all_frameworks = queries.frameworks(session=session)
    framework = all_frameworks[0] if all_frameworks else None
    points = (
        queries.framework_points(session=session, framework_id=framework.id)
        if framework and framework.id
        else []
    )

if counts.is_empty:
    st.info(t("overview.empty"))
    st.stop()

st.warning(t("app.demo_notice"), icon="ℹ️")
st.subheader(t("overview.heading"))
columns = st.columns(4)
for index, (name, value) in enumerate(vars(counts).items()):
    columns[index % 4].metric(t(f"count.{name}"), number(value, lang()))

if framework is None:
    st.info(t("overview.no_framework"))
else:
    st.subheader(t("overview.points_heading", name=framework.name))
    for point in points:
        deadline = (
            f" — _{t('point.deadline', date=long_date(point.deadline, lang()))}_" if point.deadline else ""
        )
        st.markdown(f"**{point.number}. {point.title}**{deadline}  \n{point.text}")
