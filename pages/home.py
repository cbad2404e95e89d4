import streamlit as st

st.title("optim-lab")
st.markdown(
    "See how neural networks are trained: optimizers moving on loss surfaces, learning-rate "
    "schedules, and small networks learning live. Every number on these pages is computed by the "
    "JAX engine in `optim_lab`, which is also available from the command line as `optim-lab`."
)
