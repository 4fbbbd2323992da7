"""Edits of a questionnaire document (the JSON file's shape): each returns a new document,
which the editor then checks and stores as a whole (surveys.editing.questionnaire_save).
Pure: no Django."""


def question_put(document: dict, index: int | None, question: dict) -> dict:
    """The document with the question at ``index`` replaced, or added last (None)."""
    questions = list(document["questions"])
    if index is None:
        questions.append(question)
    else:
        questions[index] = question
    return {**document, "questions": questions}


def question_moved(document: dict, index: int, step: int) -> dict:
    """The question at ``index`` moved ``step`` places (-1 up, +1 down), within bounds."""
    questions = list(document["questions"])
    target = min(max(index + step, 0), len(questions) - 1)
    questions.insert(target, questions.pop(index))
    return {**document, "questions": questions}


def question_removed(document: dict, index: int) -> dict:
    questions = [q for position, q in enumerate(document["questions"]) if position != index]
    return {**document, "questions": questions}


def question_duplicated(document: dict, index: int) -> dict:
    """A copy of the question right after it, under the first free code of <code>_copy,
    <code>_copy2… (at most 40 characters, as codes are)."""
    questions = list(document["questions"])
    codes = {question["code"] for question in questions}
    original = questions[index]
    copy = {**original, "code": _free_code(f"{original['code'][:30]}_copy", codes)}
    questions.insert(index + 1, copy)
    return {**document, "questions": questions}


def _free_code(stem: str, taken: set[str]) -> str:
    code, number = stem, 1
    while code in taken:
        number += 1
        code = f"{stem}{number}"
    return code
