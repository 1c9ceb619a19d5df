"""Compliance: every company against a regency's coordination points, deadlines, and one company's record."""

from datetime import date

import streamlit as st

from sinergi import ui
from sinergi.ui import compliance, t

viewer = ui.signed_in_page()
today = date.today()

st.title(t("compliance_page.title"))
st.caption(t("compliance_page.caption"))

framework_id = compliance.pick_framework(viewer)
if framework_id is None:
    st.stop()
summary = compliance.framework_summary(viewer, framework_id)
if summary is None:
    st.info(t("compliance_page.no_framework"))
    st.stop()
st.markdown(compliance.summary_text(summary))
if summary.points == 0:
    st.info(t("compliance_page.no_points"))
    st.stop()

matrix = compliance.matrix(viewer, framework_id, today)
if matrix.empty:
    st.info(ui.t_plain("compliance_page.no_companies", regency=summary.regency))
else:
    compliance.status_tiles(matrix)
    st.subheader(t("compliance_page.matrix_heading"))
    compliance.matrix_chart(matrix, framework_id)
    st.caption(t("compliance_page.matrix_caption"))

st.subheader(t("compliance_page.points_heading"))
compliance.point_list(viewer, framework_id)

st.subheader(t("compliance_page.deadlines_heading"))
compliance.deadline_table(viewer, framework_id, today, matrix)

if matrix.empty:
    st.stop()

st.subheader(t("compliance_page.detail_heading"))
company_id = compliance.pick_company(matrix, framework_id)
compliance.company_record(viewer, framework_id, company_id, today)
